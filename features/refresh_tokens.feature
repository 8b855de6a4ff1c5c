@refresh_tokens
Feature: Refresh tokens
  A refresh token names its owner until it is consumed or deleted. Consuming
  is atomic: the token is removed and its owner returned, once.

  Background:
    Given a user "u1" with provider id "email:ada@example.com"
    And a user "u2" with provider id "email:bob@example.com"

  Scenario: a stored refresh token resolves to its owner
    Given a refresh token "rt1" of user "u1"
    When I get the owner of refresh token "rt1"
    Then the answer is the owner "u1"
    And refresh token "rt1" is stored for user "u1"

  Scenario: an unknown refresh token resolves to nothing
    Given a refresh token "rt1" of user "u1"
    When I get the owner of refresh token "rt2"
    Then the answer is nothing

  Scenario: a refresh token whose owner no longer exists resolves to nothing
    Given a stored refresh token "orphan" of user "ghost"
    When I get the owner of refresh token "orphan"
    Then the answer is nothing

  Scenario: set_refresh_token for an unknown user is InvalidUserId and stores nothing
    When I store a refresh token "rt1" of user "ghost"
    Then it fails with AUTH_INVALID_USER_ID
    And no refresh token "rt1" is stored

  Scenario: set_refresh_token with a taken token is DuplicateRefreshToken and keeps the existing owner
    Given a refresh token "rt1" of user "u1"
    When I store a refresh token "rt1" of user "u2"
    Then it fails with AUTH_DUPLICATE_REFRESH_TOKEN
    And refresh token "rt1" is stored for user "u1"
    And 1 refresh token is stored

  Scenario: consume_refresh_token returns the owner and removes the token
    Given a refresh token "rt1" of user "u1"
    When I consume refresh token "rt1"
    Then the answer is the owner "u1"
    And no refresh token "rt1" is stored
    And refresh token "rt1" resolves to nothing

  Scenario: a consumed refresh token cannot be consumed again
    Given a refresh token "rt1" of user "u1"
    And I consume refresh token "rt1"
    When I consume refresh token "rt1"
    Then the answer is nothing

  Scenario: consuming an unknown refresh token gives nothing and removes nothing
    Given a refresh token "rt1" of user "u1"
    When I consume refresh token "rt2"
    Then the answer is nothing
    And 1 refresh token is stored

  Scenario: consuming a refresh token whose owner no longer exists gives nothing
    Given a stored refresh token "orphan" of user "ghost"
    When I consume refresh token "orphan"
    Then the answer is nothing

  Scenario: delete_refresh_token removes exactly the tokens given and counts them
    Given a refresh token "rt1" of user "u1"
    And a refresh token "rt2" of user "u1"
    And a refresh token "rt3" of user "u2"
    When I delete the refresh tokens ["rt1", "rt3"]
    Then it reports 2 removed
    And no refresh token "rt1" is stored
    And no refresh token "rt3" is stored
    And refresh token "rt2" resolves to user "u1"

  Scenario: delete_refresh_token with an empty slice removes nothing
    Given a refresh token "rt1" of user "u1"
    When I delete the refresh tokens []
    Then it reports 0 removed
    And 1 refresh token is stored

  Scenario: delete_refresh_token of missing tokens reports 0
    Given a refresh token "rt1" of user "u1"
    When I delete the refresh tokens ["nope"]
    Then it reports 0 removed
    And 1 refresh token is stored

  Scenario: delete_refresh_tokens_by_user_id removes exactly that user's tokens
    Given a refresh token "rt1" of user "u1"
    And a refresh token "rt2" of user "u1"
    And a refresh token "rt3" of user "u2"
    When I delete the refresh tokens of user "u1"
    Then it reports 2 removed
    And 1 refresh token is stored
    And refresh token "rt3" resolves to user "u2"

  Scenario: delete_refresh_tokens_by_user_id of a user without tokens reports 0
    Given a refresh token "rt3" of user "u2"
    When I delete the refresh tokens of user "u1"
    Then it reports 0 removed
    And 1 refresh token is stored

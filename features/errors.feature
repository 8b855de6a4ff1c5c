@errors
Feature: Errors
  Every failure is a typed AdapterError with its stable code, and a refused
  write leaves stored data as it was.

  Background:
    Given a user "u1" with provider id "email:ada@example.com" and user data {"user_email": "ada@example.com", "username": "ada"}

  Scenario: a second user with a taken id is DuplicateUserId and the first is unchanged
    When I create a user "u1" with provider id "email:other@example.com"
    Then it fails with AUTH_DUPLICATE_USER_ID
    And user "u1" reads back with provider id "email:ada@example.com"
    And no user has provider id "email:other@example.com"

  Scenario: a second user with a taken provider id is DuplicateProviderId and nothing is stored
    When I create a user "u2" with provider id "email:ada@example.com"
    Then it fails with AUTH_DUPLICATE_PROVIDER_ID
    And no user "u2" is stored
    And the user with provider id "email:ada@example.com" is "u1"

  Scenario Outline: a second user with a taken unique <field> is DuplicateUserData naming <field>
    When I create a user "u2" with provider id "email:bob@example.com" and user data {<field>: <value>}
    Then it fails with a duplicate of unique field <field>
    And no user "u2" is stored

    Examples:
      | field        | value             |
      | "user_email" | "ada@example.com" |
      | "username"   | "ada"             |

  Scenario: updating to a taken provider id is DuplicateProviderId and changes nothing
    Given a user "u2" with provider id "email:bob@example.com"
    When I update user "u2" with {"provider_id": "email:ada@example.com", "user_data": {"display_name": "Bob"}}
    Then it fails with AUTH_DUPLICATE_PROVIDER_ID
    And user "u2" reads back as {"id": "u2", "provider_id": "email:bob@example.com", "hashed_password": null, "user_data": {}}

  Scenario: updating to a taken unique user-data value is DuplicateUserData and changes nothing
    Given a user "u2" with provider id "email:bob@example.com" and user data {"user_email": "bob@example.com"}
    When I update user "u2" with {"user_data": {"user_email": "ada@example.com", "display_name": "Bob"}}
    Then it fails with a duplicate of unique field "user_email"
    And user "u2" reads back with user data {"user_email": "bob@example.com"}

  Scenario: two users may both lack a unique user-data field
    Given a user "u2" with provider id "email:bob@example.com"
    When I create a user "u3" with provider id "email:cy@example.com"
    Then it succeeds
    And 3 users are stored

  Scenario: a taken access token is DuplicateAccessToken
    Given a session "at1" of user "u1" expiring in 1 hour
    When I store a session "at1" of user "u1" expiring in 2 hours
    Then it fails with AUTH_DUPLICATE_ACCESS_TOKEN
    And the stored session "at1" is unchanged

  Scenario: a taken refresh token is DuplicateRefreshToken
    Given a refresh token "rt1" of user "u1"
    When I store a refresh token "rt1" of user "u1"
    Then it fails with AUTH_DUPLICATE_REFRESH_TOKEN
    And 1 refresh token is stored

  Scenario: a session for a missing user is InvalidUserId
    When I store a session "at1" of user "ghost" expiring in 1 hour
    Then it fails with AUTH_INVALID_USER_ID
    And 0 sessions are stored

  Scenario: a refresh token for a missing user is InvalidUserId
    When I store a refresh token "rt1" of user "ghost"
    Then it fails with AUTH_INVALID_USER_ID
    And 0 refresh tokens are stored

  Scenario: set_user without an id on an adapter without a generator is UserIdRequired
    When I create a user with provider id "email:bob@example.com" and no id
    Then it fails with AUTO_USER_ID_GENERATION_NOT_SUPPORTED
    And 1 user is stored

  Scenario: input breaking the key rules is InvalidInput naming the field
    When I create a user "u2" with provider id ""
    Then it fails with invalid input naming field "provider_id"
    And 1 user is stored

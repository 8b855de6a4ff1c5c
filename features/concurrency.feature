@concurrency
Feature: Concurrent calls
  Every method is safe to call from many tasks at once on one adapter, and
  uniqueness and consumption are decided atomically: of racing calls exactly
  one wins, and no race leaves a token behind that names a missing user.

  Background:
    Given a user "u1" with provider id "email:ada@example.com"

  Scenario: of 50 concurrent consumers of one refresh token exactly one gets its owner
    Given a refresh token "rt1" of user "u1"
    When 50 tasks consume refresh token "rt1" at once
    Then exactly one of them gets "u1" and the others get nothing
    And no refresh token "rt1" is stored
    And refresh token "rt1" resolves to nothing

  Scenario: of 50 concurrent consumers of one of two refresh tokens exactly one wins and the other token stays
    Given a refresh token "rt1" of user "u1"
    And a refresh token "rt2" of user "u1"
    When 50 tasks consume refresh token "rt1" at once
    Then exactly one of them gets "u1" and the others get nothing
    And refresh token "rt2" resolves to user "u1"
    And 1 refresh token is stored

  Scenario: of 50 concurrent sign-ups with one provider id exactly one succeeds and 49 are DuplicateProviderId
    When 50 tasks create users with provider id "email:race@example.com" at once
    Then exactly one of them succeeds and the others fail with AUTH_DUPLICATE_PROVIDER_ID
    And 2 users are stored
    And the winner reads back with provider id "email:race@example.com"

  Scenario: of 50 concurrent sign-ups with one user id exactly one succeeds and 49 are DuplicateUserId
    When 50 tasks create user "same" with different provider ids at once
    Then exactly one of them succeeds and the others fail with AUTH_DUPLICATE_USER_ID
    And 2 users are stored

  Scenario: of 50 concurrent writes of one access token exactly one succeeds and 49 are DuplicateAccessToken
    When 50 tasks store session "at1" of user "u1" at once
    Then exactly one of them succeeds and the others fail with AUTH_DUPLICATE_ACCESS_TOKEN
    And 1 session is stored

  Scenario: of 50 concurrent writes of one refresh token exactly one succeeds and 49 are DuplicateRefreshToken
    When 50 tasks store refresh token "rt1" of user "u1" at once
    Then exactly one of them succeeds and the others fail with AUTH_DUPLICATE_REFRESH_TOKEN
    And 1 refresh token is stored

  Scenario: two concurrent deletes of one session both succeed and their counts add up to 1 (C16)
    Given a session "at1" of user "u1" expiring in 1 hour
    When 2 tasks delete session "at1" at once
    Then every one of them succeeds and their counts add up to 1
    And 0 sessions are stored

  Scenario: 50 concurrent deletes of one session all succeed and their counts add up to 1 (C16)
    Given a session "at1" of user "u1" expiring in 1 hour
    When 50 tasks delete session "at1" at once
    Then every one of them succeeds and their counts add up to 1
    And 0 sessions are stored

  Scenario: two concurrent deletes of one refresh token both succeed and their counts add up to 1 (C16)
    Given a refresh token "rt1" of user "u1"
    When 2 tasks delete refresh token "rt1" at once
    Then every one of them succeeds and their counts add up to 1
    And 0 refresh tokens are stored

  Scenario: 50 concurrent deletes of one user all succeed and their counts add up to 1 (C16)
    Given a session "at1" of user "u1" expiring in 1 hour
    And a refresh token "rt1" of user "u1"
    When 50 tasks delete user "u1" at once
    Then every one of them succeeds and their counts add up to 1
    And nothing is stored
    And access token "at1" resolves to nothing
    And refresh token "rt1" resolves to nothing

  Scenario: delete_user racing set_session and set_refresh_token 50 times never leaves a token of a missing user (C06)
    When 50 times, a user is deleted while a session and a refresh token are stored for it
    Then no token of those deleted users resolves
    And no token of those deleted users is stored
    And user "u1" is stored
    And 1 user is stored

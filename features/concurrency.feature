@concurrency
Feature: Concurrent calls
  Every method is safe to call from many tasks at once on one adapter, and
  uniqueness and consumption are decided atomically.

  Background:
    Given a user "u1" with provider id "email:ada@example.com"

  Scenario: of 20 concurrent consumers of one refresh token exactly one gets its owner
    Given a refresh token "rt1" of user "u1"
    When 20 tasks consume refresh token "rt1" at once
    Then exactly one of them gets "u1" and the others get nothing
    And no refresh token "rt1" is stored

  Scenario: of 20 concurrent sign-ups with one provider id exactly one succeeds and 19 are DuplicateProviderId
    When 20 tasks create users with provider id "email:race@example.com" at once
    Then exactly one of them succeeds and the others fail with AUTH_DUPLICATE_PROVIDER_ID
    And 2 users are stored

  Scenario: of 20 concurrent sign-ups with one user id exactly one succeeds and 19 are DuplicateUserId
    When 20 tasks create user "same" with different provider ids at once
    Then exactly one of them succeeds and the others fail with AUTH_DUPLICATE_USER_ID
    And 2 users are stored

  Scenario: of 20 concurrent writes of one access token exactly one succeeds and 19 are DuplicateAccessToken
    When 20 tasks store session "at1" of user "u1" at once
    Then exactly one of them succeeds and the others fail with AUTH_DUPLICATE_ACCESS_TOKEN
    And 1 session is stored

  Scenario: two concurrent deletes of one session both succeed and their counts add up to 1 (C16)
    Given a session "at1" of user "u1" expiring in 1 hour
    When 2 tasks delete session "at1" at once
    Then every one of them succeeds and their counts add up to 1
    And 0 sessions are stored

  Scenario: two concurrent deletes of one refresh token both succeed and their counts add up to 1 (C16)
    Given a refresh token "rt1" of user "u1"
    When 2 tasks delete refresh token "rt1" at once
    Then every one of them succeeds and their counts add up to 1
    And 0 refresh tokens are stored

  Scenario: delete_user racing set_session and set_refresh_token never leaves a token of a missing user (C06)
    When 30 times, a user is deleted while a session and a refresh token are stored for it
    Then no token of those deleted users resolves
    And user "u1" is stored

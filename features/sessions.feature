@sessions
Feature: Sessions
  A session is keyed by its access token, belongs to a user and expires at
  an instant in milliseconds. Reads return live sessions only.

  Background:
    Given a user "u1" with provider id "email:ada@example.com"
    And a user "u2" with provider id "email:bob@example.com"

  Scenario: a stored session is read back exactly by its access token
    Given a session "at1" of user "u1" expiring in 1 hour
    When I get the session "at1"
    Then the answer is the session "at1"
    And the stored session "at1" is unchanged

  Scenario: an unknown access token finds no session
    Given a session "at1" of user "u1" expiring in 1 hour
    When I get the session "at2"
    Then the answer is nothing

  Scenario: get_sessions_by_user_id lists all of the user's live sessions and no one else's
    Given a session "at1" of user "u1" expiring in 1 hour
    And a session "at2" of user "u1" expiring in 2 hours
    And a session "bt1" of user "u2" expiring in 1 hour
    When I list the sessions of user "u1"
    Then the answer is the sessions ["at1", "at2"]

  Scenario: get_sessions_by_user_id of a user without sessions is empty
    Given a session "bt1" of user "u2" expiring in 1 hour
    When I list the sessions of user "u1"
    Then the answer is the sessions []

  Scenario: get_sessions_by_user_id of an unknown user is empty
    Given a session "at1" of user "u1" expiring in 1 hour
    When I list the sessions of user "ghost"
    Then the answer is the sessions []

  Scenario: set_session stores the session for a known user
    When I store a session "at1" of user "u1" expiring in 30 minutes
    Then it succeeds
    And session "at1" is live
    And the stored session "at1" is unchanged

  Scenario: set_session for an unknown user is InvalidUserId and stores nothing
    When I store a session "at1" of user "ghost" expiring in 1 hour
    Then it fails with AUTH_INVALID_USER_ID
    And no session "at1" is stored
    And 0 sessions are stored

  Scenario: set_session with a taken access token is DuplicateAccessToken and leaves the existing session unchanged
    Given a session "at1" of user "u1" expiring in 1 hour
    When I store a session "at1" of user "u2" expiring in 5 hours
    Then it fails with AUTH_DUPLICATE_ACCESS_TOKEN
    And the stored session "at1" is unchanged
    And session "at1" is live
    And 1 session is stored

  Scenario: delete_session_by_access_token removes exactly the tokens given and counts them
    Given a session "at1" of user "u1" expiring in 1 hour
    And a session "at2" of user "u1" expiring in 1 hour
    And a session "at3" of user "u1" expiring in 1 hour
    When I delete the sessions ["at1", "at3"]
    Then it reports 2 removed
    And no session "at1" is stored
    And no session "at3" is stored
    And session "at2" is live

  Scenario: delete_session_by_access_token with an empty slice removes nothing
    Given a session "at1" of user "u1" expiring in 1 hour
    When I delete the sessions []
    Then it reports 0 removed
    And session "at1" is live
    And 1 session is stored

  Scenario: delete_session_by_access_token of missing tokens reports 0
    Given a session "at1" of user "u1" expiring in 1 hour
    When I delete the sessions ["nope", "gone"]
    Then it reports 0 removed
    And 1 session is stored

  Scenario: delete_session_by_access_token counts only the tokens that existed
    Given a session "at1" of user "u1" expiring in 1 hour
    When I delete the sessions ["at1", "gone"]
    Then it reports 1 removed
    And 0 sessions are stored

  Scenario: delete_session_by_access_token also removes an expired session
    Given a session "at1" of user "u1" expiring in 1 minute
    And 2 minutes pass
    When I delete the sessions ["at1"]
    Then it reports 1 removed
    And no session "at1" is stored

  Scenario: delete_sessions_by_user_id removes exactly that user's sessions
    Given a session "at1" of user "u1" expiring in 1 hour
    And a session "at2" of user "u1" expiring in 1 hour
    And a session "bt1" of user "u2" expiring in 1 hour
    When I delete the sessions of user "u1"
    Then it reports 2 removed
    And user "u1" has the sessions []
    And user "u2" has the sessions ["bt1"]

  Scenario: delete_sessions_by_user_id of a user without sessions reports 0
    Given a session "bt1" of user "u2" expiring in 1 hour
    When I delete the sessions of user "u1"
    Then it reports 0 removed
    And 1 session is stored

  Scenario: delete_sessions_by_user_id does not touch the user or its refresh tokens
    Given a session "at1" of user "u1" expiring in 1 hour
    And a refresh token "rt1" of user "u1"
    When I delete the sessions of user "u1"
    Then it reports 1 removed
    And user "u1" is stored
    And refresh token "rt1" resolves to user "u1"

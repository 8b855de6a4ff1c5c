@expiry
Feature: Expiry
  A session is live while now <= expires and expired once expires < now,
  with now taken from the adapter's clock. Reads never return an expired
  session; expires is stored and returned exactly for every i64.

  Background:
    Given a user "u1" with provider id "email:ada@example.com"

  Scenario: a session is still live at the instant it expires
    Given a session "at1" of user "u1" expiring in 60000 ms
    When 60000 ms pass
    Then session "at1" is live
    And user "u1" has the sessions ["at1"]
    And access token "at1" resolves to user "u1"

  Scenario: a session is expired one millisecond after it expires
    Given a session "at1" of user "u1" expiring in 60000 ms
    When 60001 ms pass
    Then session "at1" is not returned
    And user "u1" has the sessions []
    And access token "at1" resolves to nothing

  Scenario: an expired session not yet removed is never returned
    Given a session "at1" of user "u1" expiring in 30 minutes
    When 31 minutes pass
    Then session "at1" is stored
    And session "at1" is not returned

  Scenario: listing returns only the live sessions of a user
    Given a session "short" of user "u1" expiring in 10 minutes
    And a session "long" of user "u1" expiring in 2 hours
    When 1 hour passes
    Then user "u1" has the sessions ["long"]

  Scenario: a session stored already expired is never returned
    When I store a session "late" of user "u1" expiring in -1 ms
    Then session "late" is not returned
    And user "u1" has the sessions []

  Scenario: delete_expired_sessions removes the expired sessions and counts them
    Given a session "e1" of user "u1" expiring in 10 minutes
    And a session "e2" of user "u1" expiring in 20 minutes
    And a session "live" of user "u1" expiring in 2 hours
    And 1 hour passes
    When I delete the expired sessions
    Then it reports 2 removed
    And no session "e1" is stored
    And no session "e2" is stored
    And session "live" is live

  Scenario: delete_expired_sessions keeps a session at the instant it expires
    Given a session "edge" of user "u1" expiring in 60000 ms
    And 60000 ms pass
    When I delete the expired sessions
    Then it reports 0 removed
    And session "edge" is live

  Scenario: delete_expired_sessions removes a session one millisecond past its expiry
    Given a session "edge" of user "u1" expiring in 60000 ms
    And 60001 ms pass
    When I delete the expired sessions
    Then it reports 1 removed
    And no session "edge" is stored

  Scenario: delete_expired_sessions with nothing expired reports 0
    Given a session "live" of user "u1" expiring in 1 hour
    When I delete the expired sessions
    Then it reports 0 removed
    And 1 session is stored

  Scenario: a session expiring at i64::MAX is live now and reads back exactly
    Given a session "forever" of user "u1" expiring at 9223372036854775807
    When I get the session "forever"
    Then the answer is a session expiring at 9223372036854775807

  @requires.free_clock
  Scenario Outline: a session expiring at <expires> is live at that instant and round-trips exactly
    Given the clock is at <expires>
    And a session "s" of user "u1" expiring at <expires>
    When I get the session "s"
    Then the answer is a session expiring at <expires>
    And the stored session "s" is unchanged

    Examples:
      | expires              |
      | 0                    |
      | -1                   |
      | -86400000            |
      | 9007199254740993     |
      | 9223372036854775807  |
      | -9223372036854775808 |

  @requires.free_clock
  Scenario: with the clock at 0 a session expiring at -1 is expired
    Given the clock is at 0
    And a session "s" of user "u1" expiring at -1
    Then session "s" is not returned
    And user "u1" has the sessions []

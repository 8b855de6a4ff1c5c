@errors @requires.corrupt_records
Feature: Records that cannot be decoded
  A stored record the adapter cannot decode is CorruptRecord on a single
  read; a listing skips it (with a tracing warning) instead of failing whole.

  Background:
    Given a user "u1" with provider id "email:ada@example.com"
    And a session "good" of user "u1" expiring in 1 hour
    And a corrupt stored session "bad" of user "u1"

  Scenario: reading a corrupt session is CorruptRecord
    When I get the session "bad"
    Then it fails with DATABASE_CORRUPT_RECORD

  Scenario: listing a user's sessions skips a corrupt one and returns the rest
    When I list the sessions of user "u1"
    Then the answer is the sessions ["good"]

  Scenario: the joined read of a corrupt session is CorruptRecord
    When I get the session and user of "bad"
    Then it fails with DATABASE_CORRUPT_RECORD

@persistence @requires.persistent
Feature: Persisted, not cached
  What one adapter writes, a second adapter opened on the same store reads.

  Background:
    Given a user "u1" with provider id "email:ada@example.com" and user data {"display_name": "Ada"}

  Scenario: a user written by one adapter is read by a reopened one
    When the store is reopened
    Then user "u1" reads back as {"id": "u1", "provider_id": "email:ada@example.com", "hashed_password": null, "user_data": {"display_name": "Ada"}}

  Scenario: a session written by one adapter is read by a reopened one
    Given a session "at1" of user "u1" expiring in 1 hour
    When the store is reopened
    Then session "at1" is live
    And access token "at1" resolves to user "u1"

  Scenario: a refresh token written by one adapter is consumed through a reopened one
    Given a refresh token "rt1" of user "u1"
    When the store is reopened
    And I consume refresh token "rt1"
    Then the answer is the owner "u1"

  Scenario: an update made by one adapter is seen by a reopened one
    Given I update user "u1" with {"provider_id": "email:ada@lovelace.org"}
    When the store is reopened
    Then the user with provider id "email:ada@lovelace.org" is "u1"
    And no user has provider id "email:ada@example.com"

  Scenario: a deletion made by one adapter is seen by a reopened one
    Given a session "at1" of user "u1" expiring in 1 hour
    And I delete user "u1"
    When the store is reopened
    Then user "u1" is not found
    And access token "at1" resolves to nothing

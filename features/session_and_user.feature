@sessions @users
Feature: A session joined with its user
  get_session_and_user and get_user_by_access_token answer only for a live
  session whose user exists.

  Background:
    Given a user "u1" with provider id "email:ada@example.com" and user data {"display_name": "Ada"}

  Scenario: get_session_and_user returns the live session with its user
    Given a session "at1" of user "u1" expiring in 1 hour
    When I get the session and user of "at1"
    Then the answer is the session "at1" with user "u1"

  Scenario: get_session_and_user of an unknown token gives nothing
    When I get the session and user of "nope"
    Then the answer is nothing

  Scenario: get_session_and_user of an expired session gives nothing
    Given a session "at1" of user "u1" expiring in 30 minutes
    And 31 minutes pass
    When I get the session and user of "at1"
    Then the answer is nothing

  Scenario: get_session_and_user of a session whose user is missing gives nothing
    Given a stored session "orphan" of user "ghost" expiring in 1 hour
    When I get the session and user of "orphan"
    Then the answer is nothing

  Scenario: get_user_by_access_token returns the session's user with its data
    Given a session "at1" of user "u1" expiring in 1 hour
    When I get the user of access token "at1"
    Then the answer is the user {"id": "u1", "provider_id": "email:ada@example.com", "hashed_password": null, "user_data": {"display_name": "Ada"}}

  Scenario: get_user_by_access_token of an unknown token gives nothing
    When I get the user of access token "nope"
    Then the answer is nothing

  Scenario: get_user_by_access_token of an expired session gives nothing
    Given a session "at1" of user "u1" expiring in 30 minutes
    And 31 minutes pass
    When I get the user of access token "at1"
    Then the answer is nothing

  Scenario: get_user_by_access_token of a session whose user is missing gives nothing
    Given a stored session "orphan" of user "ghost" expiring in 1 hour
    When I get the user of access token "orphan"
    Then the answer is nothing

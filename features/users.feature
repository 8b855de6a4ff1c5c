@users
Feature: Users
  A user is stored with its provider id, password hash and user data, found
  by id or by provider id, updated atomically and deleted with its tokens.

  Scenario: a stored user is found by its id with all its fields
    Given a user "u1" with provider id "email:ada@example.com" and user data {"user_email": "ada@example.com", "login_count": 3}
    When I get the user "u1"
    Then the answer is the user {"id": "u1", "provider_id": "email:ada@example.com", "hashed_password": null, "user_data": {"user_email": "ada@example.com", "login_count": 3}}

  Scenario: looking up an unknown user id finds nothing
    Given a user "u1" with provider id "email:ada@example.com"
    When I get the user "u2"
    Then the answer is nothing

  Scenario: a stored user is found by its provider id
    Given a user "u1" with provider id "email:ada@example.com"
    When I get the user with provider id "email:ada@example.com"
    Then the answer is user "u1" with provider id "email:ada@example.com"

  Scenario: looking up an unknown provider id finds nothing
    Given a user "u1" with provider id "email:ada@example.com"
    When I get the user with provider id "email:bob@example.com"
    Then the answer is nothing

  Scenario: set_user returns the id it was given and stores the user
    When I create a user "u1" with provider id "email:ada@example.com"
    Then the answer is the id "u1"
    And the stored user "u1" is {"id": "u1", "provider_id": "email:ada@example.com", "hashed_password": null, "user_data": {}}

  Scenario: a password hash is stored and read back exactly
    When I create a user "u1" with provider id "email:ada@example.com" and password hash "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"
    Then user "u1" reads back as {"id": "u1", "provider_id": "email:ada@example.com", "hashed_password": "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", "user_data": {}}

  Scenario: user data of every kind round-trips exactly
    When I create a user "u1" with provider id "email:ada@example.com" and user data:
      """
      {"user_email": "ada@example.com", "username": "ada", "display_name": "Ada Lovelace",
       "login_count": 9007199254740993, "score": 0.1, "email_verified": true,
       "profile": {"langs": ["en", "fr"], "age": 36, "nested": {"ok": null}}}
      """
    Then user "u1" reads back with user data:
      """
      {"user_email": "ada@example.com", "username": "ada", "display_name": "Ada Lovelace",
       "login_count": 9007199254740993, "score": 0.1, "email_verified": true,
       "profile": {"langs": ["en", "fr"], "age": 36, "nested": {"ok": null}}}
      """

  Scenario: update_user returns the user after the update
    Given a user "u1" with provider id "email:ada@example.com" and user data {"display_name": "Ada", "login_count": 1}
    When I update user "u1" with {"user_data": {"login_count": 2}}
    Then the answer is the user {"id": "u1", "provider_id": "email:ada@example.com", "hashed_password": null, "user_data": {"display_name": "Ada", "login_count": 2}}
    And user "u1" reads back with user data {"display_name": "Ada", "login_count": 2}

  Scenario: update_user changes the provider id, so the old one no longer finds the user
    Given a user "u1" with provider id "email:ada@example.com"
    When I update user "u1" with {"provider_id": "email:ada@lovelace.org"}
    Then the answer is user "u1" with provider id "email:ada@lovelace.org"
    And the user with provider id "email:ada@lovelace.org" is "u1"
    And no user has provider id "email:ada@example.com"

  Scenario: update_user sets a password hash
    Given a user "u1" with provider id "email:ada@example.com"
    When I update user "u1" with {"hashed_password": "h2"}
    Then the answer is the user {"id": "u1", "provider_id": "email:ada@example.com", "hashed_password": "h2", "user_data": {}}

  Scenario: update_user with a null password hash clears it
    Given a user "u1" with provider id "email:ada@example.com" and password hash "h1"
    When I update user "u1" with {"hashed_password": null}
    Then the answer is the user {"id": "u1", "provider_id": "email:ada@example.com", "hashed_password": null, "user_data": {}}
    And user "u1" reads back as {"id": "u1", "provider_id": "email:ada@example.com", "hashed_password": null, "user_data": {}}

  Scenario: update_user leaves a password hash it is not given alone
    Given a user "u1" with provider id "email:ada@example.com" and password hash "h1"
    When I update user "u1" with {"user_data": {"display_name": "Ada"}}
    Then the answer is the user {"id": "u1", "provider_id": "email:ada@example.com", "hashed_password": "h1", "user_data": {"display_name": "Ada"}}

  Scenario: update_user sets a user-data key to null when given null
    Given a user "u1" with provider id "email:ada@example.com" and user data {"display_name": "Ada", "login_count": 1}
    When I update user "u1" with {"user_data": {"display_name": null}}
    Then the answer is the user {"id": "u1", "provider_id": "email:ada@example.com", "hashed_password": null, "user_data": {"display_name": null, "login_count": 1}}

  Scenario: update_user with an empty update returns the user unchanged
    Given a user "u1" with provider id "email:ada@example.com" and user data {"display_name": "Ada"}
    When I update user "u1" with an empty update
    Then the answer is the user {"id": "u1", "provider_id": "email:ada@example.com", "hashed_password": null, "user_data": {"display_name": "Ada"}}

  Scenario: update_user of an unknown id is InvalidUserId, even for an empty update
    Given a user "u1" with provider id "email:ada@example.com"
    When I update user "ghost" with an empty update
    Then it fails with AUTH_INVALID_USER_ID
    And 1 user is stored

  Scenario: update_user of an unknown id is InvalidUserId and creates nothing
    When I update user "ghost" with {"provider_id": "email:ghost@example.com", "user_data": {"display_name": "Boo"}}
    Then it fails with AUTH_INVALID_USER_ID
    And nothing is stored

  Scenario: delete_user removes the user and reports 1
    Given a user "u1" with provider id "email:ada@example.com"
    When I delete user "u1"
    Then it reports 1 removed
    And user "u1" is not found
    And no user "u1" is stored
    And no user has provider id "email:ada@example.com"

  Scenario: delete_user of an unknown id reports 0
    Given a user "u1" with provider id "email:ada@example.com"
    When I delete user "ghost"
    Then it reports 0 removed
    And 1 user is stored

  Scenario: deleting a user twice reports 0 the second time
    Given a user "u1" with provider id "email:ada@example.com"
    And I delete user "u1"
    When I delete user "u1"
    Then it reports 0 removed

  Scenario: delete_user removes the user's sessions and refresh tokens and no other user's
    Given a user "u1" with provider id "email:ada@example.com"
    And a user "u2" with provider id "email:bob@example.com"
    And a session "at1" of user "u1" expiring in 1 hour
    And a session "at2" of user "u1" expiring in 2 hours
    And a session "bt1" of user "u2" expiring in 1 hour
    And a refresh token "rt1" of user "u1"
    And a refresh token "rt2" of user "u2"
    When I delete user "u1"
    Then it reports 1 removed
    And access token "at1" resolves to nothing
    And access token "at2" resolves to nothing
    And session "at1" is not returned
    And refresh token "rt1" resolves to nothing
    And no session "at1" is stored
    And no session "at2" is stored
    And no refresh token "rt1" is stored
    And access token "bt1" resolves to user "u2"
    And refresh token "rt2" resolves to user "u2"
    And 1 session is stored
    And 1 refresh token is stored

  Scenario: a user stored by another writer is read by the adapter
    Given a stored user "legacy1" with provider id "email:old@example.com"
    When I get the user with provider id "email:old@example.com"
    Then the answer is user "legacy1" with provider id "email:old@example.com"

@users
Feature: Users
  A user is stored with its provider id, password hash and user data, found
  by id or provider id, updated atomically and deleted with its tokens.

  Scenario: a stored user is found by its id with all its fields
    Given a user "u1" with provider id "email:ada@example.com" and user data {"user_email": "ada@example.com", "login_count": 3}
    When I get the user "u1"
    Then the answer is the user {"id": "u1", "provider_id": "email:ada@example.com", "hashed_password": null, "user_data": {"user_email": "ada@example.com", "login_count": 3}}

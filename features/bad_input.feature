@bad_input
Feature: Bad input
  ids, provider ids and tokens are 1 to 512 bytes of UTF-8 without NUL;
  user-data keys are portable identifiers and not the record's own fields;
  values a backend cannot store are refused. Bad input is InvalidInput,
  the same on every backend, and nothing is stored or changed.

  Background:
    Given a user "u1" with provider id "email:ada@example.com"
    And a session "at1" of user "u1" expiring in 1 hour
    And a refresh token "rt1" of user "u1"

  Scenario Outline: set_user refuses the user id <id> and stores nothing
    When I create a user <id> with provider id "email:bob@example.com"
    Then it fails with invalid input naming field "user_id"
    And 1 user is stored

    Examples:
      | id           |
      | ""           |
      | "a\u0000b"   |
      | "x" x 513    |
      | "🦀" x 128 + "x" |

  Scenario Outline: set_user refuses the provider id <provider_id> and stores nothing
    When I create a user "u2" with provider id <provider_id>
    Then it fails with invalid input naming field "provider_id"
    And 1 user is stored

    Examples:
      | provider_id               |
      | ""                        |
      | "email:a\u0000@b.example" |
      | "email:" x 86             |

  Scenario Outline: set_user refuses the user-data key <key> by name and stores nothing (C02)
    When I create a user "u2" with provider id "email:bob@example.com" and user data {<key>: "x"}
    Then it fails with invalid input naming user-data key <key>
    And no user "u2" is stored
    And 1 user is stored

    Examples:
      | key                   |
      | "provider_id"         |
      | "_id"                 |
      | "id"                  |
      | "__v"                 |
      | "hashed_password"     |
      | "$set"                |
      | "$unset"              |
      | "profile.name"        |
      | "a\u0000b"            |
      | "email\" = 'x'; --"   |
      | "1abc"                |
      | "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk" |

  Scenario Outline: update_user refuses the user-data key <key> and leaves the user unchanged (C02)
    When I update user "u1" with {"user_data": {"display_name": "Eve", <key>: "x"}}
    Then it fails with invalid input naming user-data key <key>
    And user "u1" reads back as {"id": "u1", "provider_id": "email:ada@example.com", "hashed_password": null, "user_data": {}}

    Examples:
      | key               |
      | "provider_id"     |
      | "hashed_password" |
      | "_id"             |
      | "$set"            |
      | "profile.name"    |

  Scenario: update_user refuses an empty provider id and leaves the user unchanged
    When I update user "u1" with {"provider_id": ""}
    Then it fails with invalid input naming field "provider_id"
    And user "u1" reads back with provider id "email:ada@example.com"

  Scenario Outline: set_user refuses the user-data value <value> a backend cannot store
    When I create a user "u2" with provider id "email:bob@example.com" and user data {"profile": <value>}
    Then it fails with AUTH_INVALID_INPUT
    And no user "u2" is stored

    Examples:
      | value                  |
      | "a\u0000b"             |
      | 18446744073709551615   |
      | {"$ne": null}          |
      | {"a.b": 1}             |

  Scenario Outline: set_session refuses the access token <token> and stores nothing
    When I store a session <token> of user "u1" expiring in 1 hour
    Then it fails with invalid input naming field "access_token"
    And 1 session is stored

    Examples:
      | token        |
      | ""           |
      | "a\u0000b"   |
      | "t" x 513    |

  Scenario Outline: set_refresh_token refuses the token <token> and stores nothing
    When I store a refresh token <token> of user "u1"
    Then it fails with invalid input naming field "refresh_token"
    And 1 refresh token is stored

    Examples:
      | token        |
      | ""           |
      | "a\u0000b"   |
      | "t" x 513    |

  Scenario Outline: a lookup with the bad key <key> is InvalidInput, not nothing
    When I <lookup> <key>
    Then it fails with AUTH_INVALID_INPUT

    Examples:
      | lookup                          | key         |
      | get the user                    | ""          |
      | get the user with provider id   | "a\u0000b"  |
      | get the session                 | "x" x 513   |
      | list the sessions of user       | ""          |
      | get the owner of refresh token  | ""          |
      | consume refresh token           | "a\u0000b"  |
      | get the session and user of     | ""          |
      | get the user of access token    | "x" x 513   |

  Scenario: deleting a batch with one bad token is InvalidInput and deletes none of it
    When I delete the sessions ["at1", ""]
    Then it fails with AUTH_INVALID_INPUT
    And session "at1" is live

  Scenario: deleting a refresh-token batch with one bad token is InvalidInput and deletes none of it
    When I delete the refresh tokens ["rt1", "a\u0000b"]
    Then it fails with AUTH_INVALID_INPUT
    And refresh token "rt1" resolves to user "u1"

  Scenario Outline: a delete by the bad user id <id> is InvalidInput and deletes nothing
    When I <delete> <id>
    Then it fails with AUTH_INVALID_INPUT
    And session "at1" is live
    And refresh token "rt1" resolves to user "u1"

    Examples:
      | delete                               | id         |
      | delete user                          | ""         |
      | delete the sessions of user          | "a\u0000b" |
      | delete the refresh tokens of user    | "x" x 513  |

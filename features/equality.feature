@equality
Feature: Keys compare byte for byte
  ids, provider ids and tokens are compared by equality, never as patterns,
  with no case folding, no Unicode normalisation and no padding (C03, C04).

  Scenario Outline: deleting the sessions of <id> removes only that user's session (C03)
    Given users ["u_1", "uX1", "u1", "u10", "u*", "u[1]", "u%"] each with a session and a refresh token
    When I delete the sessions of user <id>
    Then it reports 1 removed
    And 6 sessions are stored

    Examples:
      | id     |
      | "u_1"  |
      | "u1"   |
      | "u*"   |
      | "u[1]" |
      | "u%"   |

  Scenario Outline: listing the sessions of <id> returns only that user's session (C03)
    Given users ["u_1", "uX1", "u1", "u10", "u*", "u[1]", "u%"] each with a session and a refresh token
    When I list the sessions of user <id>
    Then the answer is the sessions [<session>]

    Examples:
      | id     | session   |
      | "u1"   | "s:u1"    |
      | "u_1"  | "s:u_1"   |
      | "u%"   | "s:u%"    |

  Scenario: deleting the refresh tokens of "u_1" removes only that user's token (C03)
    Given users ["u_1", "uX1", "u1", "u10", "u*", "u[1]", "u%"] each with a session and a refresh token
    When I delete the refresh tokens of user "u_1"
    Then it reports 1 removed
    And 6 refresh tokens are stored
    And refresh token "r:uX1" resolves to user "uX1"

  Scenario: a provider-id pattern finds no user (C03)
    Given users ["u_1", "u1"] each with a session and a refresh token
    When I get the user with provider id "p:u%"
    Then the answer is nothing

  Scenario Outline: provider ids <first> and <second> are two different users (C04)
    Given a user "a" with provider id <first>
    When I create a user "b" with provider id <second>
    Then it succeeds
    And the user with provider id <first> is "a"
    And the user with provider id <second> is "b"

    Examples:
      | first                            | second                            |
      | "email:j\u00fcrgen@example.com"  | "email:ju\u0308rgen@example.com"  |
      | "email:Ada@example.com"          | "email:ada@example.com"           |
      | "username:ada"                   | "username:ada "                   |

  Scenario: two 300-byte tokens sharing their first 255 bytes are two sessions (C04)
    Given a user "u1" with provider id "email:ada@example.com"
    And a session "a" x 299 + "1" of user "u1" expiring in 1 hour
    When I store a session "a" x 299 + "2" of user "u1" expiring in 1 hour
    Then it succeeds
    And session "a" x 299 + "1" is live
    And session "a" x 299 + "2" is live
    And 2 sessions are stored

  Scenario Outline: the <what> <value> round-trips byte for byte (C04)
    Given a user <id> with provider id <provider_id> and user data {"display_name": <name>}
    And a session <token> of user <id> expiring in 1 hour
    And a refresh token <token> of user <id>
    Then user <id> reads back with provider id <provider_id>
    And user <id> reads back with user data {"display_name": <name>}
    And session <token> is live
    And refresh token <token> resolves to user <id>

    Examples:
      | what                  | value  | id                 | provider_id                       | name          | token             |
      | provider id           | crab   | "u1"               | "username:🦀crab"                 | "Zoë 🦀"      | "t1"              |
      | user id               | thai   | "ผู้ใช้"             | "email:thai@example.com"          | "สมชาย"       | "t2"              |
      | token                 | emoji  | "u3"               | "email:e@example.com"             | "e"           | "🔑🗝️ token"       |
      | 512-byte user id      | max    | "🦀" x 128         | "email:max@example.com"           | "max"         | "t" x 512         |
      | punctuation           | colons | "{u}:1"            | "p:{x}:y"                         | "a:b"         | "{t}:{1}"         |

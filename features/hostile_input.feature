@hostile_input
Feature: Hostile input, the same answer on every backend
  A catalogue of inputs that attack storage layers: SQL fragments, Mongo
  operators and JSON-looking text, Redis key delimiters and glob characters,
  control, bidirectional and zero-width characters, NUL, empty and overlong
  values (C02, C03, C04). Each input states its expected answer. An id,
  provider id or token is valid when it is 1 to 512 bytes of UTF-8 without
  NUL, whatever it looks like: then it is stored and read back byte for byte
  in every place it can go, and stays apart from every other record. Anything
  else is InvalidInput in every call that takes it, and nothing is stored or
  changed. Notation: JSON string literals ("\u0000" is NUL), `"x" x 513`
  repeats, ` + ` joins.

  Background:
    Given a user "u1" with provider id "email:ada@example.com"
    And a session "at1" of user "u1" expiring in 1 hour
    And a refresh token "rt1" of user "u1"

  Scenario Outline: the <kind> <value> is a valid id, provider id and token
    Then <value> as every id, provider id and token is stored and read back byte for byte

    Examples:
      | kind                             | value                               |
      | Redis hash tag                   | "u:{1}"                             |
      | Redis key delimiter              | "a:b:c"                             |
      | Redis empty hash tag             | "{}"                                |
      | Redis reversed braces            | "}{"                                |
      | Redis hash tag around a prefix   | "{u1}"                              |
      | Redis glob star                  | "*"                                 |
      | Redis glob question mark         | "?"                                 |
      | Redis glob class                 | "[a]"                               |
      | Redis glob soup                  | "*?[]{}:"                           |
      | SQL quote                        | "' OR 1=1 --"                       |
      | SQL statement                    | "'; DROP TABLE \"user\"; --"        |
      | SQL double quote                 | "\" OR \"\"=\""                     |
      | SQL LIKE wildcards               | "%_%"                               |
      | SQL comment                      | "/* */"                             |
      | backslash                        | "\\"                                |
      | Mongo operator object as text    | "{\"$ne\":null}"                    |
      | Mongo $gt object as text         | "{\"$gt\":\"\"}"                    |
      | Mongo $where                     | "$where"                            |
      | lone dollar                      | "$"                                 |
      | dotted path                      | "a.b"                               |
      | JSON null word                   | "null"                              |
      | prototype key                    | "__proto__"                         |
      | path traversal                   | "../../etc/passwd"                  |
      | control character U+0001         | "a\u0001b"                          |
      | control character U+001F         | "\u001f"                            |
      | control character U+007F         | "\u007f"                            |
      | tab                              | "tab\there"                         |
      | line feed                        | "line\nbreak"                       |
      | carriage return                  | "cr\r"                              |
      | bidi override U+202E             | "\u202eevil"                        |
      | bidi isolate U+2066              | "\u2066isolate\u2069"               |
      | zero-width space                 | "zero\u200bwidth"                   |
      | zero-width joiner alone          | "\u200d"                            |
      | byte-order mark                  | "\ufeffbom"                         |
      | noncharacter U+FFFF              | "\uffff"                            |
      | space only                       | " "                                 |
      | leading and trailing spaces      | " pad "                             |
      | 512 ASCII bytes                  | "x" x 512                           |
      | 512 bytes of 4-byte characters   | "🦀" x 128                          |
      | 4-byte character ending at 512   | "x" x 508 + "🦀"                    |
      | 2-byte character ending at 512   | "x" x 510 + "é"                     |

  Scenario Outline: the <kind> <value> is InvalidInput as any id, provider id or token
    Then <value> as any id, provider id or token is InvalidInput and changes nothing

    Examples:
      | kind                             | value                               |
      | empty                            | ""                                  |
      | NUL alone                        | "\u0000"                            |
      | NUL first                        | "\u0000a"                           |
      | NUL inside                       | "a\u0000b"                          |
      | NUL last                         | "a\u0000"                           |
      | NUL in a SQL fragment            | "' OR 1=1\u0000--"                  |
      | 513 ASCII bytes                  | "x" x 513                           |
      | 4-byte character crossing 512    | "x" x 509 + "🦀"                    |
      | 4-byte characters then one byte  | "🦀" x 128 + "x"                    |
      | 2-byte character crossing 512    | "x" x 511 + "é"                     |
      | 2-byte characters, 514 bytes     | "é" x 257                           |
      | far too long                     | "t" x 4096                          |

  Scenario Outline: the user-data value <value> in <field> (<kind>) is stored as data, never as an operator
    Then the user-data value <value> in <field> is stored and read back exactly

    Examples:
      | kind                         | field        | value                                   |
      | SQL fragment                 | display_name | "'; DROP TABLE \"user\"; --"            |
      | Mongo operator as text       | display_name | "{\"$ne\": null}"                       |
      | control characters           | display_name | "\u0001\u001f\u007f"                    |
      | bidi and zero-width          | display_name | "\u202e\u2066\u200b"                    |
      | Redis delimiters             | display_name | "u:{1}*?["                              |
      | 4-byte characters            | display_name | "Zoë 🦀"                                |
      | line breaks and tabs         | display_name | "line\nbreak\ttab\r"                   |
      | nested plain object          | profile      | {"ne": null, "list": [1, "$ne", "a.b"]} |
      | operator-looking string leaf | profile      | {"q": "{\"$where\": \"1\"}"}            |
      | empty object                 | profile      | {}                                      |
      | i64 bounds                   | profile      | [-9223372036854775808, 9223372036854775807] |

  Scenario Outline: the user-data value <value> in <field> (<kind>) is InvalidInput
    Then the user-data value <value> in <field> is InvalidInput and changes nothing

    Examples:
      | kind                         | field        | value                         |
      | NUL in a string              | display_name | "a\u0000b"                    |
      | Mongo $ne operator           | profile      | {"$ne": null}                 |
      | Mongo $where operator        | profile      | {"$where": "sleep(1000)"}     |
      | Mongo $gt nested in a list   | profile      | [{"$gt": ""}]                 |
      | dotted nested key            | profile      | {"a.b": 1}                    |
      | NUL in a nested key          | profile      | {"a\u0000b": 1}               |
      | integer beyond i64           | profile      | 18446744073709551615          |

  Scenario Outline: the user-data key <key> (<kind>) is InvalidInput by name (C02)
    Then the user-data key <key> is InvalidInput naming it and changes nothing

    Examples:
      | kind                    | key                       |
      | reserved provider_id    | "provider_id"             |
      | reserved _id            | "_id"                     |
      | reserved id             | "id"                      |
      | reserved __v            | "__v"                     |
      | reserved hashed_password| "hashed_password"         |
      | Mongo operator $set     | "$set"                    |
      | Mongo operator $where   | "$where"                  |
      | dotted path             | "profile.name"            |
      | NUL                     | "a\u0000b"                |
      | SQL fragment            | "email\" = 'x'; --"       |
      | space                   | "user email"              |
      | hyphen                  | "user-email"              |
      | leading digit           | "1abc"                    |
      | non-ASCII letter        | "é"                       |
      | bidi override           | "user\u202e_email"        |
      | zero-width space        | "user\u200b_email"        |
      | control character       | "user\u0001"              |
      | Redis delimiter         | "user:email"              |
      | Redis hash tag          | "{user}"                  |
      | glob star               | "user*"                   |
      | empty                   | ""                        |
      | 64 bytes                | "k" x 64                  |

@tokens_at_rest @requires.hashed_tokens
Feature: Tokens at rest
  In tokens-at-rest mode (adapter_core::HashedTokens) the store holds
  SHA-256 digests of access and refresh tokens, never the tokens: a leaked
  dump holds no usable bearer token. A digest presented as a token does not
  authenticate; a session listing gives digests, and a listed digest can
  still be revoked. These scenarios run only in that mode; the rest of the
  suite runs in it too.

  Background:
    Given a user "u1" with provider id "email:ada@example.com"
    And a session "at1" of user "u1" expiring in 1 hour
    And a refresh token "rt1" of user "u1"

  Scenario: a stored session holds the digest of its access token, not the token
    Then the stored session "at1" holds the digest of its token, not the token
    And 1 session is stored

  Scenario: a stored refresh token is kept under its digest, not the token
    Then refresh token "rt1" is stored for user "u1"
    And 1 refresh token is stored

  Scenario Outline: a digest presented to <lookup> finds nothing
    When I <lookup> by the digest of <token>
    Then the answer is nothing
    And session "at1" is live
    And refresh token "rt1" resolves to user "u1"

    Examples:
      | lookup                         | token |
      | get the session                | "at1" |
      | get the user of access token   | "at1" |
      | get the session and user of    | "at1" |
      | get the owner of refresh token | "rt1" |
      | consume refresh token          | "rt1" |

  Scenario: a listed session carries the digest and can be revoked with it
    Given a session "at2" of user "u1" expiring in 1 hour
    Then user "u1" has the sessions ["at1", "at2"]
    When I revoke every listed session of user "u1" by what the listing gives
    Then it reports 2 removed
    And session "at1" is not returned
    And session "at2" is not returned
    And 0 sessions are stored

  Scenario: a refresh token can be revoked by its digest
    When I delete the refresh tokens by the digest of "rt1"
    Then it reports 1 removed
    And refresh token "rt1" resolves to nothing
    And 0 refresh tokens are stored

  Scenario: a token is still revoked by the token itself
    When I delete the sessions ["at1"]
    Then it reports 1 removed
    And session "at1" is not returned

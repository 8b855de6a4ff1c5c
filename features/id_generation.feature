@users @id_generation
Feature: User ids made by the adapter
  set_user without an id asks the configured id generator for one; an
  adapter configured without a generator refuses with UserIdRequired.

  Scenario: set_user without an id and without a generator is UserIdRequired and stores nothing
    When I create a user with provider id "email:ada@example.com" and no id
    Then it fails with AUTO_USER_ID_GENERATION_NOT_SUPPORTED
    And nothing is stored

  @requires.id_generation
  Scenario: set_user without an id returns the generated id of the stored user
    When I create a user with provider id "email:ada@example.com" and no id
    Then the answer is a generated id
    And the returned id reads back with provider id "email:ada@example.com"
    And 1 user is stored

  @requires.id_generation
  Scenario: generated ids differ and each finds its own user
    Given I create a user with provider id "email:ada@example.com" and no id
    When I create a user with provider id "email:bob@example.com" and no id
    Then the answer is a generated id
    And the returned id reads back with provider id "email:bob@example.com"
    And the users with provider ids "email:ada@example.com" and "email:bob@example.com" have different generated ids

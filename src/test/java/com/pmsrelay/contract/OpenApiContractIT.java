package com.pmsrelay.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every integrator API exchange the run's end-to-end tests made ({@link ApiExchanges}, in
 * {@code target/api-exchanges/}) against the OpenAPI description, with vertx-openapi's validators
 * (through {@link ContractView}): the operation is found by method and path; a request the
 * description allows must get an answer it describes (status, headers, content type, body); a request it
 * does not allow (a test's deliberately bad one) must be refused with a described 4xx problem.
 * Runs after every other test (pom.xml's {@code api-contract} execution). Outside CI it reads what
 * there is and skips with nothing; under {@code CI=true} it must have a whole run: at least
 * {@link #MIN_EXCHANGES} exchanges, covering every described operation.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class OpenApiContractIT {
  static final int MIN_EXCHANGES = 500;

  static Vertx vertx;
  static ContractCheck checker;

  @BeforeAll
  static void load() {
    vertx = Vertx.vertx();
    checker = ContractCheck.ofPublished(vertx);
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  @Test
  void everyRecordedExchangeIsOneTheDescriptionAllows() {
    List<JsonObject> exchanges = read(Path.of(System.getProperty("pmsrelay.target", "target")).resolve("api-exchanges"));
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    if (!ci) {
      Assumptions.assumeTrue(!exchanges.isEmpty(), "no recorded exchanges: run the end-to-end tests first");
    }
    ContractCheck.Tally tally = new ContractCheck.Tally();
    for (JsonObject e : exchanges) {
      checker.check(e, tally);
    }
    System.out.printf("OpenApiContractIT: %d exchanges, %d refused as described, %d bodies not checked (streamed or cut)%n",
        tally.exchanges, tally.refusedAsDescribed, tally.bodiesNotChecked);
    tally.statusesByOperation.forEach((op, statuses) -> System.out.printf("  %-20s %s %s%n", op, statuses,
        tally.codesByOperation.getOrDefault(op, Set.of())));
    assertThat(tally.failures).as("exchanges the description does not allow").isEmpty();
    if (ci) {
      assertThat(tally.exchanges).as("exchanges recorded (a whole run's)").isGreaterThanOrEqualTo(MIN_EXCHANGES);
      Set<String> missing = new TreeSet<>();
      checker.contract().operations().forEach(op -> missing.add(op.getOperationId()));
      missing.removeAll(tally.statusesByOperation.keySet());
      assertThat(missing).as("described operations no end-to-end test exercised").isEmpty();
    }
  }

  private static List<JsonObject> read(Path dir) {
    List<JsonObject> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            out.add(new JsonObject(line));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}

package com.pmsrelay.demo;

import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.common.crypto.Secrets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The demo's practices, integrators, grants and console logins, with their one-time secrets. */
final class DemoSeed {
  record SeededPractice(String practiceId, String name, String slug, String agentKey) {}

  record SeededIntegrator(String clientId, String clientSecret, String name, List<String> enabledAt) {}

  record SeededUser(String username, String password, String practiceId) {}

  record Seeded(List<SeededPractice> practices, List<SeededIntegrator> integrators, List<SeededUser> users) {
    /** The contents of {@code credentials.json} (API.md, "Demo mode"). */
    JsonObject credentials(String apiBaseUrl) {
      JsonArray practiceJson = new JsonArray();
      practices.forEach(p -> practiceJson.add(new JsonObject().put("practiceId", p.practiceId()).put("name", p.name())));
      JsonArray integratorJson = new JsonArray();
      integrators.forEach(i -> integratorJson.add(new JsonObject().put("clientId", i.clientId())
          .put("clientSecret", i.clientSecret()).put("name", i.name()).put("enabledAt", new JsonArray(i.enabledAt()))));
      JsonArray userJson = new JsonArray();
      users.forEach(u -> userJson.add(new JsonObject().put("username", u.username()).put("password", u.password())
          .put("practiceId", u.practiceId())));
      return new JsonObject()
          .put("apiBaseUrl", apiBaseUrl)
          .put("consoleUrl", apiBaseUrl + "/console/")
          .put("practices", practiceJson)
          .put("integrators", integratorJson)
          .put("consoleUsers", userJson);
    }
  }

  private DemoSeed() {}

  /** Blocking: call from a thread that may wait (not an event loop). */
  static Seeded seed(CloudNode cloud) {
    SeededPractice harbourside = practice(cloud, "Harbourside Family Practice", "harbourside");
    SeededPractice riverbend = practice(cloud, "Riverbend Medical Centre", "riverbend");
    List<SeededIntegrator> integrators = new ArrayList<>();
    integrators.add(integrator(cloud, "Online Booking (demo)", List.of(harbourside), List.of(riverbend)));
    integrators.add(integrator(cloud, "Recall Reminders (demo)", List.of(riverbend), List.of(harbourside)));
    integrators.add(integrator(cloud, "Practice Analytics (demo)", List.of(harbourside, riverbend), List.of()));
    List<SeededUser> users = List.of(user(cloud, "harbourside-admin", harbourside), user(cloud, "riverbend-admin", riverbend));
    return new Seeded(List.of(harbourside, riverbend), integrators, users);
  }

  private static SeededPractice practice(CloudNode cloud, String name, String slug) {
    PracticeStore.Created created = cloud.practices().create(name).await();
    return new SeededPractice(created.practiceId(), name, slug, created.agentKey());
  }

  /** Enabled where named; pending at the others, so each practice's console lists every integrator. */
  private static SeededIntegrator integrator(CloudNode cloud, String name, List<SeededPractice> enabled,
      List<SeededPractice> pending) {
    IntegratorStore.Created created = cloud.integrators().create(name, null).await();
    List<String> enabledAt = new ArrayList<>();
    for (SeededPractice p : enabled) {
      cloud.grants().put(Grant.withDefaults(p.practiceId(), created.clientId(), GrantStatus.ENABLED)).await();
      enabledAt.add(p.practiceId());
    }
    for (SeededPractice p : pending) {
      cloud.grants().put(Grant.withDefaults(p.practiceId(), created.clientId(), GrantStatus.PENDING)).await();
    }
    return new SeededIntegrator(created.clientId(), created.clientSecret(), name, List.copyOf(enabledAt));
  }

  private static SeededUser user(CloudNode cloud, String username, SeededPractice practice) {
    String password = Secrets.token("", 12);
    cloud.consoleUsers().create(username, practice.practiceId(), password).await();
    return new SeededUser(username, password, practice.practiceId());
  }
}

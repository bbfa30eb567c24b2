package com.pmsrelay.bench;

import com.pmsrelay.bench.AlternatingPairs.Pair;
import com.pmsrelay.bench.AlternatingPairs.Run;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;

/**
 * What checking the bearer token costs the relay: the same relay, the same traffic (one
 * integrator's lookups, 64 outstanding, closed loop), with the cloud's token verification on
 * (candidate) and off (baseline, {@link AuthSwitch}). Two sets of alternating pairs: (a) one token
 * reused for its lifetime, as integrators do, which the cloud verifies once and then finds in its
 * cache (the target applies here); (b) a fresh token, never seen, on every request, each signed
 * with the cloud's real key before its block: a signature check per request, the worst case. The
 * figure is throughput (queries/s) on / off; latency and CPU per query are reported beside it.
 */
final class AuthCostBench {
  static final int CONCURRENCY = RelayVsPlainBench.Variant.THROUGHPUT.concurrency;
  static final double TARGET_THROUGHPUT_RATIO = 0.9;
  /** At most this many fresh tokens per block (memory and minting time stay bounded). */
  static final int MAX_TOKENS_PER_BLOCK = 40_000;

  /** Each set warms up with a block of each side ({@code warmupMs} in (a), {@code blockMs} in (b)), then runs its pairs. */
  record Settings(int patients, long warmupMs, int pairs, long blockMs, long budgetMs) {
    static Settings of(BenchMode mode) {
      return switch (mode) {
        case FULL -> new Settings(3_000, 8_000, 5, 3_500, 145_000);
        case FAST -> new Settings(3_000, 1_500, 3, 1_000, 28_000);
        case TINY -> new Settings(300, 100, 1, 250, 8_000);
      };
    }
  }

  /** Which tokens a block sends. */
  private enum Tokens {
    /** The integrator's one token, every request. */
    REUSED,
    /** A token never sent before, every request, minted before the block; the block ends when they run out. */
    FRESH,
    /**
     * Distinct real tokens in a cycle, for the verification-off side of (b): it neither checks nor
     * caches a token, so these cost it what fresh ones would, without minting more.
     */
    CYCLED
  }

  /** A block of lookups with verification on or off, sending {@code tokens}. */
  private final class Side implements AlternatingPairs.Block {
    private final boolean verifying;
    private final Tokens tokens;
    private final long millis;
    private String[] fresh = new String[0];

    Side(boolean verifying, Tokens tokens, long millis) {
      this.verifying = verifying;
      this.tokens = tokens;
      this.millis = millis;
    }

    @Override
    public void before() {
      auth.verifying(verifying);
      if (tokens == Tokens.FRESH) {
        fresh = mint(tokensFor(freshRate, millis));
      }
    }

    @Override
    public Run run() {
      String[] mine = fresh;
      String[] cycle = pool;
      QueryTarget target = rig.target(rig.relayClient, switch (tokens) {
        case REUSED -> i -> rig.token;
        case FRESH -> i -> mine[i];
        case CYCLED -> i -> cycle[i % cycle.length];
      });
      long started = System.nanoTime();
      Run run = rig.closedLoop(target, CONCURRENCY, tokens == Tokens.FRESH ? mine.length : Integer.MAX_VALUE, millis);
      if (tokens == Tokens.FRESH) {
        freshRate = Math.max(freshRate, run.operations() * 1e9 / (System.nanoTime() - started));
      }
      return run;
    }
  }

  private final AuthSwitch auth = new AuthSwitch();
  private LookupRig rig;
  /** Real tokens the verification-off side of (b) cycles through (those of the verifying side's warm-up). */
  private String[] pool;
  /** The fastest queries/s seen with fresh tokens so far (first: the reused-token rate, an upper bound). */
  private double freshRate;
  private long mintNanos;
  private long minted;

  JsonObject run(BenchMode mode, Path work) throws Exception {
    Settings s = Settings.of(mode);
    long started = System.nanoTime();
    long budgetEnd = started + s.budgetMs() * 1_000_000;
    try (LookupRig r = LookupRig.start(work, "auth", s.patients(), auth::attach)) {
      rig = r;
      LookupRig.progress("auth", "set up", started);
      // (a) the integrator's one token, in half the time left; (b) gets the rest
      warmUp(new Side(false, Tokens.REUSED, s.warmupMs()), new Side(true, Tokens.REUSED, s.warmupMs()));
      long now = System.nanoTime();
      List<Pair> reused = AlternatingPairs.measure(new Side(false, Tokens.REUSED, s.blockMs()),
          new Side(true, Tokens.REUSED, s.blockMs()), 0, s.pairs(), now + (budgetEnd - now) / 2);
      LookupRig.progress("auth", "token reused: " + reused.size() + " pairs done", started);
      // (b) the verifying side's warm-up mints the tokens the other side then cycles through
      freshRate = AlternatingPairs.of(reused, true, Run::perSecond).max();
      Side freshWarmUp = new Side(true, Tokens.FRESH, s.blockMs());
      warmUp(freshWarmUp);
      pool = freshWarmUp.fresh;
      warmUp(new Side(false, Tokens.CYCLED, s.blockMs()));
      List<Pair> fresh = AlternatingPairs.measure(new Side(false, Tokens.CYCLED, s.blockMs()),
          new Side(true, Tokens.FRESH, s.blockMs()), 0, s.pairs(), budgetEnd);
      LookupRig.progress("auth", "fresh tokens: " + fresh.size() + " pairs done", started);
      JsonObject result = report(mode, s, reused, fresh);
      result.put("runSeconds", Spread.round((System.nanoTime() - started) / 1e9));
      return result;
    } finally {
      rig = null;
      pool = null;
    }
  }

  /** A block of each side, unmeasured (JIT, connections, the token cache). */
  private static void warmUp(Side... sides) {
    for (Side side : sides) {
      side.before();
      side.run();
    }
  }

  /** Tokens for a block of {@code millis} at {@code perSecond}, with a margin, within {@link #MAX_TOKENS_PER_BLOCK}. */
  private static int tokensFor(double perSecond, long millis) {
    return (int) Math.min(MAX_TOKENS_PER_BLOCK, Math.ceil(perSecond * millis / 1000.0 * 1.25) + 1);
  }

  /** {@code count} new tokens of integrator A, signed with the cloud's key; the time is kept for the report. */
  private String[] mint(int count) {
    long started = System.nanoTime();
    String[] tokens = new String[count];
    for (int i = 0; i < count; i++) {
      tokens[i] = auth.mint(rig.relay.integratorA.clientId());
    }
    mintNanos += System.nanoTime() - started;
    minted += count;
    return tokens;
  }

  private JsonObject report(BenchMode mode, Settings s, List<Pair> reused, List<Pair> fresh) {
    JsonObject a = set(reused, s);
    JsonObject b = set(fresh, s).put("tokensMinted", minted)
        .put("mintUsPerToken", Spread.round(minted == 0 ? Double.NaN : mintNanos / 1_000.0 / minted));
    double reusedRatio = a.getJsonObject("throughputRatioOnToOff").getDouble("median", Double.NaN);
    long failures = rig.failureCount();
    JsonArray headlines = new JsonArray()
        .add(headline("token reused", a, reused.size(), s))
        .add(headline("fresh token each request", b, fresh.size(), s))
        .add(String.format("queries/s: reused on %s / off %s; fresh on %s / off %s; failures %d",
            RelayVsPlainBench.median(a.getJsonObject("verifying"), "perSecond"),
            RelayVsPlainBench.median(a.getJsonObject("notVerifying"), "perSecond"),
            RelayVsPlainBench.median(b.getJsonObject("verifying"), "perSecond"),
            RelayVsPlainBench.median(b.getJsonObject("notVerifying"), "perSecond"), failures));
    return new JsonObject()
        .put("name", "auth")
        .put("mode", mode.label())
        .put("measures", "queries/s of the relay with the cloud's bearer-token verification on vs off, "
            + CONCURRENCY + " outstanding lookups of one integrator (closed loop); (a) one token reused, (b) a fresh"
            + " token per request")
        .put("settings", new JsonObject().put("concurrency", CONCURRENCY).put("warmupMsPerSide", s.warmupMs())
            .put("warmup", "(a): warmupMsPerSide of each side; (b): one block of each side")
            .put("pairsPerSet", s.pairs()).put("blockMs", s.blockMs()).put("budgetMs", s.budgetMs())
            .put("switch", "test-only TokenVerifier given to the cloud node (CloudNodes.withBearerVerifier): on ="
                + " the cloud's TokenService.verify (ES256 signature, kid, claims, cache of verified tokens); off ="
                + " the payload's sub and exp decoded, signature unchecked, no cache")
            .put("freshTokens", "(b), verification on: each request a token never sent before, minted with the cloud's"
                + " signing key (TokenService.issue) before its block, untimed, enough for 1.25x the fastest fresh-token"
                + " rate seen; verification off: distinct real tokens in a cycle (it neither checks nor caches them)")
            .put("relay", rig.settings()))
        .put("baseline", "verification off")
        .put("candidate", "verification on")
        .put("tokenReused", a)
        .put("freshTokenEachRequest", b)
        .put("failuresByOutcome", rig.failuresJson())
        .put("targets", new JsonObject()
            .put("throughputRatioTokenReused", Targets.atLeast(reusedRatio, TARGET_THROUGHPUT_RATIO,
                ">= 0.9 (queries/s with verification on / off, token reused, median of pairs)"))
            .put("noFailures", Targets.holds(failures == 0, failures, "0 answers other than 200, every block")))
        .put("headlines", headlines);
  }

  private static String headline(String set, JsonObject figures, int pairs, Settings s) {
    return String.format("%s, %d pairs of %d ms blocks: queries/s on/off %s, p50 on/off %s, cpu on-off %s µs per query",
        set, pairs, s.blockMs(), RelayVsPlainBench.figure(figures.getJsonObject("throughputRatioOnToOff")),
        RelayVsPlainBench.figure(figures.getJsonObject("p50RatioOnToOff")),
        RelayVsPlainBench.figure(figures.getJsonObject("cpuUsPerQueryAdded")));
  }

  private static JsonObject set(List<Pair> pairs, Settings s) {
    return new JsonObject()
        .put("throughputRatioOnToOff", AlternatingPairs.ratio(pairs, Run::perSecond).toJson())
        .put("p50RatioOnToOff", AlternatingPairs.ratio(pairs, r -> r.percentileMicros(50)).toJson())
        .put("cpuUsPerQueryAdded", AlternatingPairs.difference(pairs, Run::cpuMicrosPerOp).toJson())
        .put("allocatedBytesPerQueryAdded", AlternatingPairs.difference(pairs, Run::allocatedBytesPerOp).toJson())
        .put("verifying", AlternatingPairs.sideJson(pairs, true))
        .put("notVerifying", AlternatingPairs.sideJson(pairs, false))
        .put("budgetCut", pairs.size() < s.pairs())
        .put("pairs", AlternatingPairs.toJson(pairs));
  }
}

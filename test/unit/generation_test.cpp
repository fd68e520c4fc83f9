// Generation with KV caches: prefill + decode against a full forward pass
// of the same model (test/e2e/Inputs/cache-model.mlir), the sampler's
// settings, and greedy generation against the argmax of the full pass.
#include "InProcess.h"

#include "runtime/Generate.h"
#include "runtime/Sampler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

using namespace mlc;
using namespace mlc::rt;

namespace {

constexpr int64_t kContext = 16, kPrefillT = 8, kVocab = 8;

std::string readModel() {
  std::ifstream in(MLC_TEST_INPUTS "/cache-model.mlir");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The model compiled as `mlc compile` would (canonicalize, CSE) and
/// loaded, with the parameters of seed 7.
std::unique_ptr<Session> loadModel() {
  std::string error;
  std::string bytes =
      test::compileToExecutable(readModel(), "canonicalize, cse", error);
  EXPECT_FALSE(bytes.empty()) << error;
  test::Loaded loaded = test::loadAndCreateSession(bytes);
  EXPECT_TRUE(loaded.session) << loaded.error;
  if (loaded.session)
    EXPECT_TRUE(loaded.session->initialize(7).isOk());
  return std::move(loaded.session);
}

/// Logits [kContext, kVocab] of the full forward pass over `tokens`
/// (padded with 0; position t only sees tokens <= t).
std::vector<double> fullLogits(Session &s, std::vector<int64_t> tokens) {
  tokens.resize(kContext, 0);
  std::vector<double> ids(tokens.begin(), tokens.end());
  EXPECT_TRUE(test::writeAs(s, "tokens", ids).isOk());
  auto out = test::runEntry(s, "full");
  EXPECT_TRUE(out.isOk()) << out.status().message();
  return out->at("logits");
}

std::vector<int64_t> randomTokens(std::mt19937 &rng, size_t n) {
  std::uniform_int_distribution<int64_t> id(0, kVocab - 1);
  std::vector<int64_t> tokens(n);
  for (int64_t &t : tokens)
    t = id(rng);
  return tokens;
}

/// The row of the full pass at position `t`.
std::vector<double> row(const std::vector<double> &logits, int64_t t) {
  return {logits.begin() + t * kVocab, logits.begin() + (t + 1) * kVocab};
}

void expectNear(const std::vector<double> &a, const std::vector<double> &b,
                const std::string &where) {
  ASSERT_EQ(a.size(), b.size()) << where;
  for (size_t i = 0; i < a.size(); ++i)
    EXPECT_NEAR(a[i], b[i], 1e-5) << where << ", logit " << i;
}

int64_t argmax(const std::vector<double> &v) {
  return std::max_element(v.begin(), v.end()) - v.begin();
}

} // namespace

TEST(Generation, PrefillAndDecodeEqualTheFullPassAtEveryPosition) {
  std::unique_ptr<Session> s = loadModel();
  ASSERT_TRUE(s);
  StatusOr<Generator> g = Generator::create(*s);
  ASSERT_TRUE(g.isOk()) << g.status().message();
  EXPECT_EQ(g->context(), uint64_t(kContext));
  EXPECT_EQ(g->promptCapacity(), uint64_t(kPrefillT));
  std::mt19937 rng(3);
  for (size_t promptLength : {1, 3, 8}) {
    std::vector<int64_t> tokens = randomTokens(rng, kContext);
    std::vector<double> full = fullLogits(*s, tokens);
    std::vector<int64_t> prompt(tokens.begin(), tokens.begin() + promptLength);
    StatusOr<std::vector<double>> logits = g->prefill(prompt);
    ASSERT_TRUE(logits.isOk()) << logits.status().message();
    expectNear(*logits, row(full, promptLength - 1),
               "prefill of " + std::to_string(promptLength));
    for (size_t t = promptLength; t < kContext; ++t) {
      logits = g->decode(tokens[t], t);
      ASSERT_TRUE(logits.isOk()) << logits.status().message();
      expectNear(*logits, row(full, t), "decode at " + std::to_string(t));
    }
  }
}

TEST(Generation, ChangingALaterTokenLeavesEarlierLogits) {
  std::unique_ptr<Session> s = loadModel();
  ASSERT_TRUE(s);
  std::mt19937 rng(5);
  std::vector<int64_t> tokens = randomTokens(rng, kContext);
  std::vector<double> before = fullLogits(*s, tokens);
  for (int64_t t = 0; t + 1 < kContext; ++t) {
    std::vector<int64_t> changed = tokens;
    changed[t + 1] = (changed[t + 1] + 1) % kVocab;
    std::vector<double> after = fullLogits(*s, changed);
    for (int64_t u = 0; u <= t; ++u)
      expectNear(row(after, u), row(before, u),
                 "position " + std::to_string(u));
    EXPECT_NE(row(after, t + 1), row(before, t + 1)) << "position " << t + 1;
  }
}

TEST(Generation, GreedyIsTheArgmaxOfTheFullPassStepByStep) {
  std::unique_ptr<Session> s = loadModel();
  ASSERT_TRUE(s);
  StatusOr<Generator> g = Generator::create(*s);
  ASSERT_TRUE(g.isOk());
  std::vector<int64_t> prompt = {3, 1, 4};
  SamplingOptions greedy;
  greedy.temperature = 0;
  StatusOr<TokenSampler> sampler = TokenSampler::create(greedy);
  ASSERT_TRUE(sampler.isOk());
  StatusOr<std::vector<int64_t>> out =
      g->generate(prompt, kContext - prompt.size(), *sampler);
  ASSERT_TRUE(out.isOk()) << out.status().message();
  ASSERT_EQ(out->size(), size_t(kContext) - prompt.size());
  std::vector<int64_t> sequence = prompt;
  for (int64_t next : *out) {
    std::vector<double> full = fullLogits(*s, sequence);
    EXPECT_EQ(next, argmax(row(full, sequence.size() - 1)))
        << "after " << sequence.size() << " tokens";
    sequence.push_back(next);
  }
  // Deterministic, and top-k = 1 at temperature 1 is the same.
  SamplingOptions topOne;
  topOne.topK = 1;
  topOne.seed = 99;
  StatusOr<TokenSampler> sampler2 = TokenSampler::create(topOne);
  StatusOr<std::vector<int64_t>> again =
      g->generate(prompt, kContext - prompt.size(), *sampler2);
  ASSERT_TRUE(again.isOk());
  EXPECT_EQ(*again, *out);
}

TEST(Generation, RequestsThatDoNotFitAreErrors) {
  std::unique_ptr<Session> s = loadModel();
  ASSERT_TRUE(s);
  StatusOr<Generator> g = Generator::create(*s);
  ASSERT_TRUE(g.isOk());
  auto message = [&](const std::vector<int64_t> &prompt, uint64_t n) {
    Status st = g->checkRequest(prompt, n);
    EXPECT_FALSE(st.isOk());
    return st.message();
  };
  EXPECT_NE(message({}, 1).find("the prompt is empty"), std::string::npos);
  EXPECT_NE(message(std::vector<int64_t>(9, 1), 1)
                .find("9 tokens, more than "
                      "the 8"),
            std::string::npos);
  EXPECT_NE(message({1, 8}, 1).find("prompt token 1 is id 8, outside the "
                                    "vocabulary [0, 8)"),
            std::string::npos);
  EXPECT_NE(message({1, 2}, 15).find("exceed the context of 16"),
            std::string::npos);
  EXPECT_TRUE(g->checkRequest({1, 2}, 14).isOk());
}

TEST(Generation, DecodeBeyondTheCacheIsARuntimeError) {
  std::unique_ptr<Session> s = loadModel();
  ASSERT_TRUE(s);
  StatusOr<Generator> g = Generator::create(*s);
  ASSERT_TRUE(g.isOk());
  StatusOr<std::vector<double>> logits = g->decode(1, kContext);
  ASSERT_FALSE(logits.isOk());
  EXPECT_NE(logits.status().message().find(
                "position 16 with 1 new tokens lies outside the cache of "
                "extent 16"),
            std::string::npos)
      << logits.status().message();
}

//===----------------------------------------------------------------------===//
// The sampler
//===----------------------------------------------------------------------===//

namespace {

std::vector<double> randomLogits(std::mt19937 &rng, size_t n) {
  std::normal_distribution<double> normal(0, 2);
  std::vector<double> v(n);
  for (double &x : v)
    x = normal(rng);
  return v;
}

int64_t draw(TokenSampler &s, const std::vector<double> &logits) {
  StatusOr<int64_t> id = s.sample(logits.data(), logits.size());
  EXPECT_TRUE(id.isOk()) << id.status().message();
  return id.isOk() ? *id : -1;
}

TokenSampler make(double temperature, int64_t topK, double topP,
                  uint64_t seed = 0) {
  SamplingOptions o;
  o.temperature = temperature;
  o.topK = topK;
  o.topP = topP;
  o.seed = seed;
  StatusOr<TokenSampler> s = TokenSampler::create(o);
  EXPECT_TRUE(s.isOk()) << s.status().message();
  return std::move(s).value();
}

} // namespace

TEST(Sampler, TopOneIsGreedy) {
  std::mt19937 rng(1);
  TokenSampler topOne = make(1.5, 1, 1.0, 4), greedy = make(0, 0, 1.0);
  for (int i = 0; i < 200; ++i) {
    std::vector<double> logits = randomLogits(rng, 50);
    EXPECT_EQ(draw(topOne, logits), argmax(logits));
    EXPECT_EQ(draw(greedy, logits), argmax(logits));
  }
}

TEST(Sampler, TopPNeverLeavesTheNucleus) {
  std::mt19937 rng(2);
  TokenSampler s = make(1.0, 0, 0.6, 11);
  for (int round = 0; round < 20; ++round) {
    std::vector<double> logits = randomLogits(rng, 30);
    // The nucleus by hand: most likely first until the mass reaches 0.6.
    std::vector<int64_t> order(logits.size());
    for (size_t i = 0; i < order.size(); ++i)
      order[i] = static_cast<int64_t>(i);
    std::sort(order.begin(), order.end(),
              [&](int64_t a, int64_t b) { return logits[a] > logits[b]; });
    double z = 0;
    for (double x : logits)
      z += std::exp(x);
    std::set<int64_t> nucleus;
    double mass = 0;
    for (int64_t id : order) {
      nucleus.insert(id);
      mass += std::exp(logits[id]) / z;
      if (mass >= 0.6)
        break;
    }
    std::set<int64_t> seen;
    for (int i = 0; i < 500; ++i) {
      int64_t id = draw(s, logits);
      EXPECT_TRUE(nucleus.count(id)) << "token " << id << " is outside";
      seen.insert(id);
    }
    if (nucleus.size() > 1)
      EXPECT_GT(seen.size(), 1u) << "it should sample, not pick one";
  }
}

TEST(Sampler, TopPBoundaryKeepsTheTokenThatReachesP) {
  // Probabilities 0.5, 0.3, 0.2: p = 0.5 is reached by the first alone,
  // p = 0.8 by the first two; a tiny p still keeps one token.
  std::vector<double> logits = {std::log(0.5), std::log(0.3), std::log(0.2)};
  std::vector<int64_t> ids;
  std::vector<double> probs;
  make(1.0, 0, 0.5).candidates(logits.data(), 3, ids, probs);
  EXPECT_EQ(ids, (std::vector<int64_t>{0}));
  make(1.0, 0, 0.8).candidates(logits.data(), 3, ids, probs);
  EXPECT_EQ(ids, (std::vector<int64_t>{0, 1}));
  ASSERT_EQ(probs.size(), 2u);
  EXPECT_NEAR(probs[0], 0.5 / 0.8, 1e-12);
  make(1.0, 0, 0.81).candidates(logits.data(), 3, ids, probs);
  EXPECT_EQ(ids.size(), 3u);
  make(1.0, 0, 1e-9).candidates(logits.data(), 3, ids, probs);
  EXPECT_EQ(ids, (std::vector<int64_t>{0}));
}

TEST(Sampler, LowTemperatureApproachesGreedy) {
  std::mt19937 rng(3);
  std::vector<double> logits = randomLogits(rng, 20);
  int64_t best = argmax(logits);
  auto hits = [&](double temperature) {
    TokenSampler s = make(temperature, 0, 1.0, 5);
    int n = 0;
    for (int i = 0; i < 1000; ++i)
      n += draw(s, logits) == best;
    return n;
  };
  int warm = hits(1.0), cool = hits(0.3), cold = hits(1e-4);
  EXPECT_LT(warm, cool);
  EXPECT_LE(cool, cold);
  EXPECT_EQ(cold, 1000);
}

TEST(Sampler, AFixedSeedGivesAFixedSequence) {
  std::mt19937 rng(4);
  std::vector<double> logits = randomLogits(rng, 40);
  TokenSampler a = make(1.0, 10, 0.9, 42), b = make(1.0, 10, 0.9, 42),
               c = make(1.0, 10, 0.9, 43);
  std::vector<int64_t> sa, sb, sc;
  for (int i = 0; i < 100; ++i) {
    sa.push_back(draw(a, logits));
    sb.push_back(draw(b, logits));
    sc.push_back(draw(c, logits));
  }
  EXPECT_EQ(sa, sb);
  EXPECT_NE(sa, sc);
}

TEST(Sampler, InvalidSettingsAreErrors) {
  auto error = [](double temperature, int64_t topK, double topP) {
    SamplingOptions o;
    o.temperature = temperature;
    o.topK = topK;
    o.topP = topP;
    StatusOr<TokenSampler> s = TokenSampler::create(o);
    EXPECT_FALSE(s.isOk());
    return s.isOk() ? std::string() : s.status().message();
  };
  EXPECT_NE(error(1, 0, 0).find("top-p"), std::string::npos);
  EXPECT_NE(error(1, 0, 1.5).find("top-p"), std::string::npos);
  EXPECT_NE(error(-0.5, 0, 1).find("temperature"), std::string::npos);
  EXPECT_NE(error(1, -1, 1).find("top-k"), std::string::npos);
  TokenSampler s = make(1.0, 0, 1.0);
  std::vector<double> nan = {0.0, std::nan("")};
  EXPECT_FALSE(s.sample(nan.data(), 2).isOk());
}

package dev.fairway.host;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.Fairway;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.RouteConfig;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import dev.fairway.pipeline.Verdict;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The host bridge: what a host is told to do within its deadline, and that every forwarded exchange
 * ends exactly once however late its decision comes. The slow decision is a gate the test opens, so
 * nothing here depends on how fast the machine is.
 */
class HostBridgeTest {
    private final CompletableFuture<Verdict> gate = new CompletableFuture<>();
    private final BlockingQueue<Exchange> opened = new LinkedBlockingQueue<>();
    private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    private final BlockingQueue<Long> budgets = new LinkedBlockingQueue<>();
    private Fairway fairway;
    private HostBridge bridge;
    private RouteConfig route;

    /** Holds every request before dispatch until the test opens the gate; notes what each step sees. */
    private final class GateStage implements Stage {
        @Override
        public String name() {
            return "gate";
        }

        @Override
        public Step open(Exchange exchange) {
            opened.add(exchange);
            budgets.add(exchange.waitBudgetMillis());
            return new Step() {
                @Override
                public CompletableFuture<Verdict> beforeDispatch() {
                    return gate;
                }

                @Override
                public void afterCompletion(Completion completion) {
                    completions.add(completion);
                }
            };
        }
    }

    @BeforeEach
    void start() {
        fairway = Fairway.builder(ConfigLoader.defaults()).stage(new GateStage()).start();
        bridge = new HostBridge(fairway.gateway(), fairway.dispatcher());
        route = ConfigLoader.withEnv(Map.of()).parseRoute("{}");
    }

    @AfterEach
    void stop() {
        fairway.close();
    }

    private static GatewayRequest chat() {
        return new GatewayRequest("POST", "/openai/v1/chat/completions", Headers.of("content-type", "application/json"),
                "{\"model\":\"m\",\"messages\":[]}".getBytes(UTF_8), null);
    }

    @Test
    void aForwardDecidedInTimeIsHandedOutByTicket() {
        gate.complete(Verdict.PROCEED);
        HostResult r = bridge.handle(chat(), route, 10_000).await();

        assertThat(r).isInstanceOf(HostResult.ForwardByTicket.class);
        HostResult.ForwardByTicket f = (HostResult.ForwardByTicket) r;
        assertThat(fairway.dispatcher().tickets().redeem(f.ticket())).isSameAs(f.exchange());
        assertThat(f.exchange().isCompleted()).isFalse();
    }

    @Test
    void theDeadlineAlsoBoundsWaitsInsideTheDecision() throws Exception {
        gate.complete(Verdict.PROCEED);
        bridge.handle(chat(), route, 1_000).await();

        assertThat(budgets.poll(10, TimeUnit.SECONDS)).isLessThanOrEqualTo(1_000L);
    }

    @Test
    void aDecisionPastTheDeadlineIsAnswered503WithALogIdAndItsLateForwardEndsOnce() throws Exception {
        HostResult r = bridge.handle(chat(), route, 50).await();

        HostResult.Answer a = (HostResult.Answer) r;
        assertThat(a.why()).isEqualTo(HostResult.Why.DEADLINE);
        assertThat(a.status()).isEqualTo(503);
        assertThat(new String(a.body(), UTF_8)).contains("\"type\":\"service_unavailable\"")
                .contains("did not decide within 50 ms").contains("\"timeout_ms\":50");
        assertThat(a.headers().get("cf-aig-log-id")).isNotBlank();
        assertThat(completions).isEmpty();

        gate.complete(Verdict.PROCEED);

        Completion late = completions.poll(10, TimeUnit.SECONDS);
        assertThat(late).isNotNull();
        assertThat(late.status()).isEqualTo(503);
        assertThat(late.errorType()).isEqualTo("decision_timeout");
        assertThat(late.attempts()).isZero();
        assertThat(completions.poll(100, TimeUnit.MILLISECONDS)).as("completed once").isNull();
        assertThat(fairway.dispatcher().tickets().outstanding()).isZero();
    }

    @Test
    void aHostThatPassesOnTheDeadlineRecordsTheLateForwardWithoutAStatus() throws Exception {
        HostResult r = bridge.passingOnDeadline().handle(chat(), route, 50).await();
        assertThat(((HostResult.Answer) r).why()).isEqualTo(HostResult.Why.DEADLINE);

        gate.complete(Verdict.PROCEED);

        Completion late = completions.poll(10, TimeUnit.SECONDS);
        assertThat(late.status()).isZero();
        assertThat(late.errorType()).isEqualTo("decision_timeout");
    }

    @Test
    void aForwardDecidedAfterTheClientLeftEndsAs499() throws Exception {
        HostCall call = bridge.handle(chat(), route, 60_000);
        assertThat(opened.poll(10, TimeUnit.SECONDS)).isNotNull();
        call.clientGone();
        assertThat(call.result()).isCancelled();

        gate.complete(Verdict.PROCEED);

        Completion late = completions.poll(10, TimeUnit.SECONDS);
        assertThat(late.status()).isEqualTo(499);
        assertThat(late.errorType()).isEqualTo("client_closed");
        assertThat(fairway.dispatcher().tickets().outstanding()).isZero();
    }

    @Test
    void anInterruptedHostAnswers503AndTheLateForwardStillEnds() throws Exception {
        HostCall call = bridge.handle(chat(), route, 60_000);
        Thread.currentThread().interrupt();
        HostResult r;
        try {
            r = call.await();
        } finally {
            assertThat(Thread.interrupted()).as("the interrupt is kept for the host").isTrue();
        }
        assertThat(r).isInstanceOfSatisfying(HostResult.Answer.class, a -> {
            assertThat(a.status()).isEqualTo(503);
            assertThat(a.headers().get("cf-aig-log-id")).isNotBlank();
        });

        gate.complete(Verdict.PROCEED);

        assertThat(completions.poll(10, TimeUnit.SECONDS).status()).isEqualTo(499);
    }

    @Test
    void aForwardWaitingForTheDispatcherAtTheDeadlineIsRefusedWithItsOwnLogId() throws Exception {
        gate.complete(Verdict.PROCEED);
        HostResult r = bridge.awaitingDispatcher(new CompletableFuture<>()).handle(chat(), route, 200).await();

        HostResult.Answer a = (HostResult.Answer) r;
        assertThat(a.why()).isEqualTo(HostResult.Why.REFUSED);
        assertThat(a.status()).isEqualTo(503);
        assertThat(new String(a.body(), UTF_8)).contains("the dispatcher endpoint is not listening");
        Exchange exchange = opened.poll(10, TimeUnit.SECONDS);
        assertThat(a.headers().get("cf-aig-log-id")).as("the id of the request's log record").isEqualTo(exchange.logId());
        Completion c = completions.poll(10, TimeUnit.SECONDS);
        assertThat(c.status()).isEqualTo(503);
        assertThat(c.errorType()).isEqualTo("service_unavailable");
        assertThat(fairway.dispatcher().tickets().outstanding()).isZero();
    }

    @Test
    void aForwardWaitsForTheDispatcherWithinTheDeadline() {
        gate.complete(Verdict.PROCEED);
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        HostCall call = bridge.awaitingDispatcher(ready).handle(chat(), route, 10_000);
        ready.complete(1234);

        assertThat(call.await()).isInstanceOf(HostResult.ForwardByTicket.class);
    }

    @Test
    void directModeHandsTheHostTheUpstreamRequestAndATap() {
        gate.complete(Verdict.PROCEED);
        HostResult r = bridge.handle(chat(), route, 10_000, Via.direct(true)).await();

        HostResult.Direct d = (HostResult.Direct) r;
        assertThat(d.request().uri().toString()).startsWith("https://api.openai.com/");
        assertThat(d.exchange().isCompleted()).isFalse();
        assertThat(fairway.dispatcher().tickets().outstanding()).isZero();
        d.tap().cut("client_closed");
        assertThat(d.exchange().isCompleted()).isTrue();
    }

    @Test
    void aRefusedForwardEndsOnceAndAnswersWithTheExchangesLogId() throws Exception {
        gate.complete(Verdict.PROCEED);
        HostResult.Direct d = (HostResult.Direct) bridge.handle(chat(), route, 10_000, Via.direct(false)).await();

        HostResult.Answer a = HostBridge.refuse(d.exchange(), GatewayError.of(ErrorType.INVALID_REQUEST, "cannot carry it"));
        HostBridge.refuse(d.exchange(), GatewayError.of(ErrorType.INTERNAL, "a second refusal"));

        assertThat(a.status()).isEqualTo(400);
        assertThat(a.why()).isEqualTo(HostResult.Why.REFUSED);
        assertThat(a.headers().get("cf-aig-log-id")).isEqualTo(d.exchange().logId());
        Completion c = completions.poll(10, TimeUnit.SECONDS);
        assertThat(c.status()).isEqualTo(400);
        assertThat(c.errorType()).isEqualTo("invalid_request");
        assertThat(c.responseBytes()).isEqualTo(a.body().length);
        assertThat(completions.poll(100, TimeUnit.MILLISECONDS)).as("completed once").isNull();
    }

    @Test
    void anAnswerDecidedInTimeIsPassedOnWithItsLogId() {
        HostResult r = bridge.handle(new GatewayRequest("GET", "/nowhere", new Headers(), new byte[0], null), route, 10_000).await();

        HostResult.Answer a = (HostResult.Answer) r;
        assertThat(a.why()).isEqualTo(HostResult.Why.DECIDED);
        assertThat(a.status()).isBetween(400, 499);
        assertThat(a.headers().get("cf-aig-log-id")).isNotBlank();
    }
}

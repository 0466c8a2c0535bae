package dev.fairway.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

public class IdleSchedulingTest {
    @Test
    void theCallingThreadEntersTheIdleClassAndNoOtherThreadDoes() throws Exception {
        assumeTrue(linuxWithForeignFunctions(), "SCHED_IDLE needs Linux and JDK 22+");
        CompletableFuture<String> entered = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("idle-test").start(() ->
                entered.complete(IdleScheduling.enterForCurrentThread() + " policy " + policyOfCurrentThread()));
        t.join();
        assertThat(entered.get()).isEqualTo("true policy 5");
        assertThat(policyOfCurrentThread()).isZero();
    }

    /** Whether this JVM can put a thread in the idle class: Linux, and the foreign function API (JDK 22+). */
    public static boolean linuxWithForeignFunctions() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
                && Runtime.version().feature() >= 22;
    }

    /** The calling thread's scheduling policy (0: SCHED_OTHER, 5: SCHED_IDLE), field 41 of its {@code /proc} stat. */
    public static int policyOfCurrentThread() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            // Fields after the command name (in parentheses, which may hold spaces) start at field 3.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[41 - 3]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.fairway.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        return policy(Path.of("/proc/thread-self"));
    }

    /** The policy of this process's one thread named {@code name} (15 characters at most: the kernel's limit). */
    public static int policyOfThread(String name) {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            List<Path> named = tasks.filter(t -> comm(t).equals(name)).toList();
            assertThat(named).as("threads named %s", name).hasSize(1);
            return policy(named.get(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String comm(Path task) {
        try {
            return Files.readString(task.resolve("comm")).strip();
        } catch (IOException e) {
            return ""; // the thread ended meanwhile
        }
    }

    private static int policy(Path task) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            // Fields after the command name (in parentheses, which may hold spaces) start at field 3.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[41 - 3]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.fairway.lifecycle;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linux's idle scheduling class ({@code SCHED_IDLE}) for a background thread: the thread runs only
 * on CPU that no other thread of the machine wants, and an ordinary thread that wakes takes its CPU
 * at once. A lower nice value is not enough for that: the kernel's fair scheduler lets a running
 * thread finish its slice (a millisecond or more) before a thread that wakes gets the CPU, whatever
 * their weights, while an idle-class thread is preempted on the spot. Measured with the log store
 * feeder under a single-connection load, that slice was the gateway's p90 (docs/benchmarks.md,
 * "What changed (issue 22, wave 12)").
 *
 * <p>The way in is one-way for an unprivileged process: the kernel lets a thread leave the idle
 * class only with {@code CAP_SYS_NICE} or a raised {@code RLIMIT_NICE}. And a thread in it should
 * hold nothing others wait for: see {@link IdleGate}, which is how the project uses it.
 *
 * <p>The call is {@code sched_setscheduler(0, SCHED_IDLE, {0})} through the JDK's foreign function
 * API, final since JDK 22 and reached reflectively so that the project still builds and runs on
 * JDK 21 (where the class is a preview and the thread simply keeps its class). The JVM warns once
 * about the restricted call unless native access is enabled ({@code bin/fairway} enables it).
 */
public final class IdleScheduling {
    private static final Logger LOG = LoggerFactory.getLogger(IdleScheduling.class);
    /** {@code SCHED_IDLE} in Linux's {@code <sched.h>}. */
    private static final int SCHED_IDLE = 5;

    private IdleScheduling() {}

    /**
     * Puts the calling thread in the idle class.
     *
     * @return false, with the reason logged, where that cannot be done (not Linux, JDK 21, a
     *     container that forbids the call): the thread keeps its class
     */
    public static boolean enterForCurrentThread() {
        Call call = Call.INSTANCE;
        if (call.unavailable != null) {
            LOG.info("{} keeps its scheduling class: {}", Thread.currentThread().getName(), call.unavailable);
            return false;
        }
        try {
            int rc = (int) call.setScheduler.invokeWithArguments(0, SCHED_IDLE, call.param);
            if (rc != 0) {
                LOG.warn("{} keeps its scheduling class: sched_setscheduler(SCHED_IDLE) returned {}",
                        Thread.currentThread().getName(), rc);
                return false;
            }
            return true;
        } catch (Throwable e) {
            LOG.warn("{} keeps its scheduling class: sched_setscheduler(SCHED_IDLE) failed: {}",
                    Thread.currentThread().getName(), e.toString());
            return false;
        }
    }

    /**
     * The linked call, or why there is none ({@code unavailable}); linked once, on first use.
     *
     * @param param a zeroed {@code struct sched_param} (its one field, the priority, must be 0 for SCHED_IDLE)
     */
    private record Call(MethodHandle setScheduler, Object param, String unavailable) {
        static final Call INSTANCE = link();

        private static Call link() {
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
                return new Call(null, null, "SCHED_IDLE is Linux's");
            }
            if (Runtime.version().feature() < 22) {
                return new Call(null, null, "calling sched_setscheduler needs JDK 22 or later (the foreign function API)");
            }
            try {
                Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
                Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
                Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
                Class<?> valueLayout = Class.forName("java.lang.foreign.ValueLayout");
                Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
                Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
                Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
                Class<?> arenaType = Class.forName("java.lang.foreign.Arena");
                Class<?> allocatorType = Class.forName("java.lang.foreign.SegmentAllocator");

                Object linker = linkerType.getMethod("nativeLinker").invoke(null);
                Object lookup = linkerType.getMethod("defaultLookup").invoke(linker);
                Optional<?> symbol = (Optional<?>) lookupType.getMethod("find", String.class).invoke(lookup, "sched_setscheduler");
                if (symbol.isEmpty()) {
                    return new Call(null, null, "the C library has no sched_setscheduler");
                }
                Object javaInt = valueLayout.getField("JAVA_INT").get(null);
                Object address = valueLayout.getField("ADDRESS").get(null);
                Object arguments = Array.newInstance(layoutType, 3);
                Array.set(arguments, 0, javaInt);
                Array.set(arguments, 1, javaInt);
                Array.set(arguments, 2, address);
                Object descriptor = descriptorType.getMethod("of", layoutType, arguments.getClass())
                        .invoke(null, javaInt, arguments);
                MethodHandle handle = (MethodHandle) linkerType
                        .getMethod("downcallHandle", segmentType, descriptorType, Array.newInstance(optionType, 0).getClass())
                        .invoke(linker, symbol.get(), descriptor, Array.newInstance(optionType, 0));
                // Global: four bytes, allocated once, never freed, read by the kernel on each call.
                Object arena = arenaType.getMethod("global").invoke(null);
                Object param = allocatorType.getMethod("allocate", long.class).invoke(arena, 4L);
                segmentType.getMethod("set", Class.forName("java.lang.foreign.ValueLayout$OfInt"), long.class, int.class)
                        .invoke(param, javaInt, 0L, 0);
                return new Call(handle, param, null);
            } catch (InvocationTargetException e) {
                return new Call(null, null, "cannot link sched_setscheduler: " + e.getCause());
            } catch (ReflectiveOperationException | RuntimeException e) {
                return new Call(null, null, "cannot link sched_setscheduler: " + e);
            }
        }
    }
}

package dev.fairway.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A whole number from {@link #min} to {@link #max}, both included. Checked by the core
 * ({@link Constraints}) and carried into the hosts' schemas (Kong: {@code between}, or {@code gt}
 * when there is no upper bound), so a host refuses what the core would. On a type argument
 * ({@code List<@Between(min = 400, max = 599) Integer>}) it constrains each element.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
public @interface Between {
    long min() default Long.MIN_VALUE;

    /** Long.MAX_VALUE: no upper bound beyond the type's own. */
    long max() default Long.MAX_VALUE;

    /** What the error says is expected; empty: {@code min..max}, or {@code > min-1} without a maximum. */
    String expected() default "";
}

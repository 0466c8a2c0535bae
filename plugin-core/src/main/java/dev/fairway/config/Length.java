package dev.fairway.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The length of a string (characters) or a list (elements), from {@link #min} to {@link #max};
 * checked by the core, carried to hosts as Kong's {@code len_min} / {@code len_max}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
public @interface Length {
    int min() default 0;

    int max() default Integer.MAX_VALUE;

    /** What the error says is expected; empty: {@code min to max characters} / {@code elements}. */
    String expected() default "";

    /** The whole error text instead of {@code <value> (expected: ...)}; empty: not used. */
    String message() default "";
}

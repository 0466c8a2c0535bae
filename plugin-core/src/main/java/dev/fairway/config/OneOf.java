package dev.fairway.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A string that is exactly one of {@link #value}; checked by the core, carried to hosts as Kong's {@code one_of}. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
public @interface OneOf {
    String[] value();

    /** What the error says is expected; empty: {@code one of a, b, c}. */
    String expected() default "";
}

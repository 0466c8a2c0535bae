package dev.fairway.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A string containing none of {@link #value} literally; checked by the core, carried to hosts as Kong's {@code match_none}. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
public @interface NotContaining {
    String[] value();

    String expected();
}

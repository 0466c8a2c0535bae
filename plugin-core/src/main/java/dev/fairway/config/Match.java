package dev.fairway.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A string the whole of which matches {@link #value}, a regular expression restricted to what
 * Lua patterns can say as well, so that hosts check it too (Kong: {@code match}, or
 * {@code match_any} for alternatives): literals, {@code .}, {@code \d \s \S \w}, character
 * classes with ranges, the quantifiers {@code * + ?} on one character or class, and {@code |}
 * between whole alternatives only. No groups, no counted repetition (say lengths with
 * {@link Length}). {@code .} matches any character, line breaks included.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
public @interface Match {
    String value();

    /** What the error says is expected, e.g. {@code letters, digits, - and _}. */
    String expected();

    /** The whole error text instead of {@code <value> (expected: ...)}; empty: not used. */
    String message() default "";
}

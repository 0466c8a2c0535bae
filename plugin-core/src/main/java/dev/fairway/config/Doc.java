package dev.fairway.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The description of a configuration field. Every component of every config record carries one:
 * the hosts' schemas (Kong's plugin schema, APISIX's conf, Envoy's route settings) and the docs are
 * generated from these records, so this text is what operators read.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.TYPE, ElementType.FIELD, ElementType.PARAMETER})
public @interface Doc {
    String value();

    /** The default, as written in YAML, when the field may be left out. Empty: no default. */
    String defaultValue() default "";
}

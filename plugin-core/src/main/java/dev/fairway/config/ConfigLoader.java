package dev.fairway.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Reads configuration (YAML or JSON; JSON is YAML) into the config records and validates it,
 * naming the field path of every problem. Secret references are resolved here, once.
 */
public final class ConfigLoader {
    private static final ConfigLoader DEFAULTS = new ConfigLoader(Map.of());

    private final ObjectMapper mapper;

    private ConfigLoader(Map<String, String> env) {
        SimpleModule secrets = new SimpleModule("fairway-secrets");
        secrets.addDeserializer(Secret.class, new SecretDeserializer(env));
        mapper = new ObjectMapper(new YAMLFactory())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                // An enum value is named, never numbered: unit: 1 is a mistake, not the second unit.
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .addHandler(new EnumProblems())
                .registerModule(secrets);
    }

    /** A loader that resolves {@code ${env:NAME}} against the process environment. */
    public static ConfigLoader standard() {
        return new ConfigLoader(System.getenv());
    }

    /** A loader with an explicit environment, for tests and embedding. */
    public static ConfigLoader withEnv(Map<String, String> env) {
        return new ConfigLoader(Map.copyOf(env));
    }

    public GatewayConfig load(Path file) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e.getMessage() + ")");
        }
        return parse(text);
    }

    public GatewayConfig parse(String yamlOrJson) {
        Problems problems = new Problems();
        GatewayConfig config = read(yamlOrJson, GatewayConfig.class, problems);
        Constraints.check(config, problems);
        config.validate(problems);
        problems.throwIfAny();
        return config;
    }

    /** One route's settings, as a host hands them over; paths in problems are relative to the route. */
    public RouteConfig parseRoute(String yamlOrJson) {
        Problems problems = new Problems();
        RouteConfig route = read(yamlOrJson == null || yamlOrJson.isBlank() ? "{}" : yamlOrJson, RouteConfig.class, problems);
        Constraints.check(route, problems);
        route.validate(problems);
        problems.throwIfAny();
        return route;
    }

    /**
     * One part of the model read on its own (a prompt version the admin API receives), with its
     * constraints and checks.
     *
     * @throws ConfigException naming every field at fault
     */
    public <T extends Validatable> T parsePart(String yamlOrJson, Class<T> type) {
        Problems problems = new Problems();
        T part = read(yamlOrJson == null || yamlOrJson.isBlank() ? "{}" : yamlOrJson, type, problems);
        Constraints.check(part, problems);
        part.validate(problems);
        problems.throwIfAny();
        return part;
    }

    /** Every field at its default. Built by reading an empty document, so it never lags the records. */
    public static GatewayConfig defaults() {
        return DEFAULTS.read("{}", GatewayConfig.class, new Problems());
    }

    static RouteConfig defaultRoute() {
        return DEFAULTS.read("{}", RouteConfig.class, new Problems());
    }

    /** Reads {@code text}; an enum value outside its set goes to {@code problems} (see {@link EnumProblems}). */
    private <T> T read(String text, Class<T> type, Problems problems) {
        try {
            T value = mapper.readerFor(type).withAttribute(EnumProblems.class, problems).readValue(text);
            if (value == null) {
                return mapper.readValue("{}", type);
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", "));
            throw new ConfigException(path(e) + ": unknown field" + (known.isEmpty() ? "" : " (known: " + known + ")"));
        } catch (InvalidFormatException e) {
            throw new ConfigException(path(e) + ": " + shortValue(e.getValue()) + " is not a valid " + typeName(e.getTargetType()));
        } catch (MismatchedInputException e) {
            throw new ConfigException(path(e) + ": expected " + typeName(e.getTargetType()));
        } catch (JsonMappingException e) {
            Throwable cause = e.getCause();
            if (cause instanceof com.fasterxml.jackson.core.exc.StreamReadException syntax) {
                throw syntaxError(syntax);
            }
            String why = cause instanceof IllegalArgumentException ? cause.getMessage() : e.getOriginalMessage();
            throw new ConfigException(path(e) + ": " + why);
        } catch (JsonProcessingException e) {
            throw syntaxError(e);
        }
    }

    private static ConfigException syntaxError(JsonProcessingException e) {
        // YAML parser messages span several lines with an excerpt; the problem line and position suffice.
        String why = e.getOriginalMessage().lines()
                .filter(l -> !l.isBlank() && !l.startsWith(" ") && !l.startsWith("while "))
                .findFirst().orElse("syntax error");
        var at = e.getLocation();
        return new ConfigException("not valid YAML or JSON: " + why
                + (at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            }
        }
        return sb.isEmpty() ? "(top level)" : sb.toString();
    }

    private static String shortValue(Object value) {
        String s = String.valueOf(value);
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static String typeName(Class<?> type) {
        if (type == null) {
            return "value";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "whole number";
        }
        if (type == Double.class || type == double.class) {
            return "number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "boolean (true or false)";
        }
        if (type == String.class || type == Secret.class) {
            return "string";
        }
        if (java.util.List.class.isAssignableFrom(type)) {
            return "list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "object";
        }
        if (type.isEnum()) {
            return "one of " + EnumProblems.allowed(type);
        }
        return type.getSimpleName();
    }

    private static final class SecretDeserializer extends JsonDeserializer<Secret> {
        private final Map<String, String> env;

        SecretDeserializer(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Secret deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String written = p.getValueAsString();
            if (written == null) {
                throw MismatchedInputException.from(p, Secret.class, "expected a string");
            }
            try {
                return Secret.resolve(written, env);
            } catch (IllegalArgumentException e) {
                throw JsonMappingException.from(p, e.getMessage(), e);
            }
        }
    }
}

package dev.fairway.kong.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.config.Between;
import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.Constraints;
import dev.fairway.config.GreaterThan;
import dev.fairway.config.Length;
import dev.fairway.config.Match;
import dev.fairway.config.NotContaining;
import dev.fairway.config.OneOf;
import dev.fairway.config.Required;
import dev.fairway.config.RouteConfig;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

/**
 * For every constrained field of the config model, the schema Kong gets refuses what the core
 * refuses: each field is set, in an otherwise valid configuration, to values around its
 * constraints, and the core's verdict (its loader) is compared with Kong's ({@link KongValidator}
 * over the dumped schema). Kong may be stricter, never looser, except for the rules listed in
 * {@link #CORE_ONLY}, which depend on other fields or need more than Kong's schema language.
 */
class KongConstraintsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ConfigLoader LOADER = ConfigLoader.withEnv(Map.of());
    private static final List<Class<? extends Annotation>> CONSTRAINTS = List.of(
            Required.class, Between.class, GreaterThan.class, OneOf.class, Match.class, NotContaining.class, Length.class);
    private static final List<Object> STRINGS = List.of("", " ", "a", "A", "ab-c", "-a", "a b", "UPPER", "a_b", "a.b", "a@b", "ä",
            "a..b", "a//b", "/ai", "1h", "60s", "0s", "1x", "1234567890s", "route", "ROUTE", "metadata.team", "metadata.",
            "x".repeat(33), "x".repeat(64), "x".repeat(65), "x".repeat(128), "x".repeat(129));

    /** Rules of the core that Kong's schema cannot say; the README names them. */
    private static final Map<String, BiPredicate<String, Object>> CORE_ONLY = Map.of(
            "quota window within 1s..366d (a range of a duration)", (path, v) -> path.equals("quotas[0].window")
                    && v instanceof String s && s.matches("[0-9]{1,9}[smhd]"),
            "quota limit a whole number up to 10^15 unless cost_usd (depends on unit)", (path, v) -> path.equals("quotas[0].limit")
                    && v instanceof Number n && (n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() > 1e15),
            "pool member rate limits are read as quota rules (window range, whole limit)", (path, v) ->
                    path.equals("pools[0].members[0].rate_limit.window") && v instanceof String s && s.matches("[0-9]{1,9}[smhd]")
                    || path.equals("pools[0].members[0].rate_limit.limit") && v instanceof Number n && n.doubleValue() != Math.rint(n.doubleValue()),
            "an arm's version only on an experiment on a prompt (depends on prompt)", (path, v) ->
                    path.equals("experiments[0].arms[0].version") && v instanceof Number);

    private static final String BASE = """
            {"name":"chat","prefix":"/ai","gateway_id":"gw","request_timeout_ms":1000,"max_body_bytes":1000,
             "providers":{"openai":{"base_url":"https://api.openai.com/v1","aws":{"access_key_id":"k","secret_access_key":"s"}}},
             "auth":{"clients":[{"name":"alice","token_sha256":["%s"]}]},
             "policy":{"allowed_providers":["openai"],"denied_providers":["mistral"],"allowed_regions":["eu"]},
             "guardrails":{"detectors":[{"detector":"email","action":"flag","check":["request"]}],"custom":[{"name":"code","pattern":"abc","action":"block","check":["request","response"]}]},
             "quotas":[{"name":"q","key":["route"],"limit":10,"window":"1h"}],
             "logging":{"max_payload_bytes":10,"redact":["email"],"remove_headers":["x-a"],"retention":{"max_age_days":7,"max_records":100,"when_full":"delete_oldest"}},
             "retry":{"max_attempts":2,"retry_delay_ms":10,"backoff":"linear","on_status":[429],"retry_after_cap_ms":100},
             "fallback":{"targets":[{"provider":"anthropic","timeout_ms":100}],"on_status":[500]},
             "circuit_breaker":{"failure_threshold":1,"window_seconds":1,"cooldown_seconds":1},
             "cache":{"default_ttl_seconds":60,"max_entry_bytes":1,"single_flight_wait_ms":0},
             "pools":[{"provider":"openai","eject_after":2,"cooldown_seconds":5,"members":[{"name":"a","weight":2,"rate_limit":{"limit":10,"window":"1h"}}]}],
             "experiments":[{"name":"e","model":"m","key":"metadata.user","arms":[{"name":"x","percent":50,"model":"a"},{"name":"y","percent":50,"model":"b"}]}]}
            """.formatted("a".repeat(64));

    private record Target(List<Object> path, AnnotatedElement constraints, boolean element) {
        String text() {
            StringBuilder sb = new StringBuilder();
            for (Object p : path) {
                if (p instanceof Integer i) {
                    sb.append('[').append(i).append(']');
                } else {
                    sb.append(sb.isEmpty() ? "" : ".").append(p);
                }
            }
            return sb.toString();
        }
    }

    @Test
    void theBaseConfigurationPassesBoth() throws Exception {
        assertThat(coreProblems(base())).isEmpty();
        assertThat(KongValidator.errors(configField(), base())).isEmpty();
    }

    @Test
    void everyConstrainedFieldIsRefusedByKongWhereverTheCoreRefusesIt() throws Exception {
        Map<String, Object> field = configField();
        List<Target> targets = new ArrayList<>();
        collect(RouteConfig.class, new ArrayList<>(), targets);
        assertThat(targets).extracting(Target::text).contains("retry.max_attempts", "retry.backoff", "retry.retry_delay_ms",
                "cache.default_ttl_seconds", "guardrails.detectors[0].detector", "guardrails.detectors[0].action",
                "quotas[0].window", "quotas[0].limit", "retry.on_status[0]", "logging.redact[0]");
        List<String> looser = new ArrayList<>();
        for (Target t : targets) {
            int refusedByBoth = 0;
            for (Object candidate : candidates(t)) {
                Map<String, Object> config = with(base(), t.path(), candidate);
                boolean core = coreProblems(config).stream().anyMatch(p -> p.startsWith(t.text() + ":"));
                boolean kong = KongValidator.errors(field, config).contains(t.text());
                if (core && kong) {
                    refusedByBoth++;
                } else if (core && CORE_ONLY.values().stream().noneMatch(rule -> rule.test(t.text(), candidate))) {
                    looser.add(t.text() + " = " + JSON.writeValueAsString(candidate));
                }
            }
            assertThat(refusedByBoth).as("%s: no candidate value is refused, the field is not tested", t.text()).isPositive();
        }
        assertThat(looser).as("values Kong would store that the core refuses when the instance starts").isEmpty();
    }

    @Test
    void schemaCarriesTheConstraintsAsKongValidators() throws Exception {
        Map<String, Object> retry = subfield(configField(), "retry");
        assertThat(subfield(retry, "max_attempts")).containsEntry("between", List.of(1, 5));
        assertThat(subfield(retry, "backoff")).containsEntry("one_of", List.of("constant", "linear", "exponential"));
        assertThat(subfield(subfield(configField(), "cache"), "default_ttl_seconds")).containsEntry("between", List.of(60, 2592000));
        assertThat(subfield(configField(), "gateway_id")).containsEntry("match", "^[A-Za-z0-9%_%-]+$");
    }

    // ---- the model: every component or type argument with a constraint

    private static void collect(Class<?> record, List<Object> path, List<Target> out) {
        for (RecordComponent c : record.getRecordComponents()) {
            List<Object> p = new ArrayList<>(path);
            p.add(Constraints.jsonName(c));
            AnnotatedType type = c.getAnnotatedType();
            if (constrained(type)) {
                out.add(new Target(p, type, false));
            }
            if (type instanceof AnnotatedParameterizedType pt) {
                AnnotatedType[] args = pt.getAnnotatedActualTypeArguments();
                AnnotatedType element = args[args.length - 1];
                List<Object> ep = new ArrayList<>(p);
                ep.add(args.length == 1 ? (Object) 0 : "openai");
                if (constrained(element)) {
                    out.add(new Target(ep, element, true));
                }
                if (element.getType() instanceof Class<?> k && k.isRecord()) {
                    collect(k, ep, out);
                }
            } else if (type.getType() instanceof Class<?> k && k.isRecord() && !(type.getType() instanceof ParameterizedType)) {
                collect(k, p, out);
            }
        }
    }

    private static boolean constrained(AnnotatedElement e) {
        return CONSTRAINTS.stream().anyMatch(e::isAnnotationPresent);
    }

    private static Set<Object> candidates(Target t) {
        Set<Object> out = new LinkedHashSet<>();
        AnnotatedElement c = t.constraints();
        Between b = c.getAnnotation(Between.class);
        if (b != null) {
            for (long v : new long[] {b.min() - 1, b.min(), b.max(), b.max() + 1, 0, -1}) {
                if (v > Long.MIN_VALUE + 1 && v < Long.MAX_VALUE - 1 && Math.abs(v) < (1L << 53)) {
                    out.add(v);
                }
            }
        }
        GreaterThan g = c.getAnnotation(GreaterThan.class);
        if (g != null) {
            // Whole values as integers: Kong's JSON encoder writes 1.0 as 1, so the core never sees "1.0".
            for (double v : new double[] {g.value(), g.value() - 1, g.value() + 0.5, g.value() + 1}) {
                out.add(v == Math.rint(v) ? (Object) (long) v : (Object) v);
            }
        }
        if (c.isAnnotationPresent(OneOf.class) || c.isAnnotationPresent(Match.class) || c.isAnnotationPresent(NotContaining.class)
                || c.isAnnotationPresent(Length.class)) {
            out.addAll(STRINGS);
            OneOf o = c.getAnnotation(OneOf.class);
            if (o != null) {
                for (String v : o.value()) {
                    out.addAll(List.of(v, v + "x", v.toUpperCase()));
                }
            }
        }
        if (c.isAnnotationPresent(Required.class) && !t.element()) {
            out.add(Missing.VALUE);
        }
        return out;
    }

    private enum Missing { VALUE }

    // ---- configurations

    private static Map<String, Object> base() throws Exception {
        return JSON.readValue(BASE, new TypeReference<>() {});
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> with(Map<String, Object> config, List<Object> path, Object value) {
        Object node = config;
        for (int i = 0; i < path.size() - 1; i++) {
            Object key = path.get(i);
            node = key instanceof Integer idx ? ((List<Object>) node).get(idx) : ((Map<String, Object>) node).get(key);
        }
        Object last = path.get(path.size() - 1);
        if (node instanceof List<?> l) {
            ((List<Object>) l).set((Integer) last, value);
        } else if (value == Missing.VALUE) {
            ((Map<String, Object>) node).remove(last);
        } else {
            ((Map<String, Object>) node).put((String) last, value);
        }
        return config;
    }

    private static List<String> coreProblems(Map<String, Object> config) throws Exception {
        try {
            LOADER.parseRoute(JSON.writeValueAsString(config));
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }

    static Map<String, Object> configField() throws Exception {
        Map<String, Object> schema = JSON.readValue(JSON.writeValueAsString(KongSchema.plugin("fairway", RouteConfig.class)),
                new TypeReference<>() {});
        return subfield(schema, "config");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> subfield(Map<String, Object> record, String name) {
        for (Object f : (List<Object>) record.get("fields")) {
            Map<String, Object> m = (Map<String, Object>) f;
            if (m.containsKey(name)) {
                return (Map<String, Object>) m.get(name);
            }
        }
        throw new AssertionError(name + ": no such field in " + new LinkedHashMap<>(record).keySet());
    }
}

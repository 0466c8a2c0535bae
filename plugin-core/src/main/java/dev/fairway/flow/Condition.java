package dev.fairway.flow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fairway.config.Problems;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A conditional element's condition, in the MongoDB-like form Cloudflare's Dynamic Routing uses:
 * {@code {"metadata.plan": {"$eq": "free"}}}, a bare value meaning {@code $eq}, several fields
 * meaning all of them, {@code $and} / {@code $or} over lists of conditions. Operators: {@code $eq},
 * {@code $ne}, {@code $in}, {@code $nin}, {@code $exists}, {@code $gt}, {@code $gte}, {@code $lt},
 * {@code $lte}. Comparisons are numeric when both sides are numbers (or numeric text), else false.
 */
sealed interface Condition {
    boolean test(RequestView request);

    record All(List<Condition> parts) implements Condition {
        public boolean test(RequestView r) {
            for (Condition c : parts) {
                if (!c.test(r)) {
                    return false;
                }
            }
            return true;
        }
    }

    record Any(List<Condition> parts) implements Condition {
        public boolean test(RequestView r) {
            for (Condition c : parts) {
                if (c.test(r)) {
                    return true;
                }
            }
            return false;
        }
    }

    record Compare(RequestView.Field field, String op, JsonNode operand) implements Condition {
        public boolean test(RequestView r) {
            Object v = r.value(field);
            return switch (op) {
                case "$eq" -> same(v, operand);
                case "$ne" -> !same(v, operand);
                case "$in" -> in(v, operand);
                case "$nin" -> !in(v, operand);
                case "$exists" -> (v != null) == operand.booleanValue();
                default -> compare(v, operand);
            };
        }

        private boolean compare(Object v, JsonNode operand) {
            Double a = number(v);
            if (a == null || !operand.isNumber()) {
                return false;
            }
            int c = Double.compare(a, operand.doubleValue());
            return switch (op) {
                case "$gt" -> c > 0;
                case "$gte" -> c >= 0;
                case "$lt" -> c < 0;
                default -> c <= 0;
            };
        }

        private static boolean in(Object v, JsonNode list) {
            for (JsonNode item : list) {
                if (same(v, item)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean same(Object v, JsonNode operand) {
            if (operand.isNull()) {
                return v == null;
            }
            if (v == null) {
                return false;
            }
            if (operand.isNumber()) {
                Double a = number(v);
                return a != null && a == operand.doubleValue();
            }
            if (operand.isBoolean()) {
                return v instanceof Boolean b ? b == operand.booleanValue() : String.valueOf(v).equals(operand.asText());
            }
            return Objects.equals(v instanceof String s ? s : String.valueOf(v), operand.asText());
        }

        private static Double number(Object v) {
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            if (v instanceof String s && !s.isBlank() && s.length() < 40) {
                try {
                    return Double.parseDouble(s.trim());
                } catch (NumberFormatException e) {
                    return null; // text that is not a number never compares
                }
            }
            return null;
        }
    }

    /** Reads a condition, naming each mistake under {@code problems}; null when there were any. */
    static Condition parse(JsonNode json, Problems problems) {
        int before = problems.messages().size();
        Condition c = object(json, problems, 0);
        return problems.messages().size() == before ? c : null;
    }

    int MAX_DEPTH = 16;

    static Condition object(JsonNode json, Problems problems, int depth) {
        if (json == null || !json.isObject() || json.isEmpty()) {
            problems.add("", "%s (expected: an object of conditions such as {\"metadata.plan\": {\"$eq\": \"free\"}})", json == null ? "missing" : json);
            return null;
        }
        if (depth > MAX_DEPTH) {
            problems.add("", "nested more than %d levels deep", MAX_DEPTH);
            return null;
        }
        List<Condition> parts = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (key.equals("$and") || key.equals("$or")) {
                if (!e.getValue().isArray() || e.getValue().isEmpty()) {
                    problems.add(key, "%s (expected: a non-empty list of conditions)", e.getValue());
                    continue;
                }
                List<Condition> list = new ArrayList<>();
                for (int i = 0; i < e.getValue().size(); i++) {
                    list.add(object(e.getValue().get(i), problems.at(key, i), depth + 1));
                }
                parts.add(key.equals("$and") ? new All(list) : new Any(list));
                continue;
            }
            RequestView.Field field = RequestView.Field.parse(key);
            if (field == null) {
                problems.add(key, "unknown field (expected: metadata.<key>, headers.<name>, body.<path>, $and or $or)");
                continue;
            }
            JsonNode test = e.getValue();
            if (!test.isObject()) {
                parts.add(operator(field, "$eq", test, problems.at(key)));
                continue;
            }
            if (test.isEmpty()) {
                problems.add(key, "{} (expected: at least one operator such as $eq)");
            }
            for (Iterator<Map.Entry<String, JsonNode>> ops = test.fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                parts.add(operator(field, op.getKey(), op.getValue(), problems.at(key)));
            }
        }
        return parts.size() == 1 ? parts.get(0) : new All(parts);
    }

    static Condition operator(RequestView.Field field, String op, JsonNode operand, Problems problems) {
        switch (op) {
            case "$eq", "$ne" -> problems.require(operand.isValueNode(), op, "%s (expected: a string, number, boolean or null)", operand);
            case "$in", "$nin" -> problems.require(operand.isArray() && operand.size() <= 1000
                    && java.util.stream.StreamSupport.stream(operand.spliterator(), false).allMatch(JsonNode::isValueNode),
                    op, "%s (expected: a list of at most 1000 strings, numbers or booleans)", operand);
            case "$exists" -> problems.require(operand.isBoolean(), op, "%s (expected: true or false)", operand);
            case "$gt", "$gte", "$lt", "$lte" -> problems.require(operand.isNumber(), op, "%s (expected: a number)", operand);
            default -> problems.add(op, "unknown operator (expected: $eq, $ne, $in, $nin, $exists, $gt, $gte, $lt, $lte)");
        }
        return new Compare(field, op, operand);
    }
}

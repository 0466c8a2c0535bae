package dev.fairway.logstore;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A {@link LogFilter} as a WHERE clause with its parameters, in order. */
final class SqlFilter {
    final StringBuilder where = new StringBuilder(" WHERE 1=1");
    final List<Object> params = new ArrayList<>();

    SqlFilter(LogFilter f, Dialect dialect) {
        add(f.from(), "created_at >= ?");
        add(f.to(), "created_at < ?");
        add(f.route(), "route = ?");
        add(f.provider(), "provider = ?");
        add(f.model(), "model = ?");
        add(f.status(), "status = ?");
        add(f.success(), "success = ?");
        add(f.cached(), "cached = ?");
        add(f.logId(), "log_id = ?");
        add(f.eventId(), "event_id = ?");
        add(f.minCost(), "cost_usd >= ?");
        add(f.minDurationMs(), "duration_ms >= ?");
        if (f.metaKey() != null) {
            // The indexed side table narrows to the candidates; the JSON comparison decides.
            and(MetaIndex.candidates(), f.metaKey(), f.metaValue());
            where.append(" AND ").append(dialect.metadataValue()).append(" = ?");
            params.add(dialect.metadataKeyParameter(f.metaKey()));
            params.add(f.metaValue());
        }
    }

    SqlFilter and(String condition, Object... values) {
        where.append(" AND ").append(condition);
        params.addAll(List.of(values));
        return this;
    }

    private void add(Object value, String condition) {
        if (value != null) {
            and(condition, value);
        }
    }

    /** Binds the parameters from index {@code first}; returns the next free index. */
    int bind(PreparedStatement ps, int first) throws SQLException {
        int i = first;
        for (Object p : params) {
            ps.setObject(i++, p);
        }
        return i;
    }
}

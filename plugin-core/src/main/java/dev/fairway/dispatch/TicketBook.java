package dev.fairway.dispatch;

import static java.util.Objects.requireNonNull;

import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Ids;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One-time tickets that let a host adapter hand a decided exchange to the dispatcher: the adapter
 * forwards the request to the loopback endpoint with the ticket in {@link #HEADER}; the dispatcher
 * redeems it once. Without a live ticket the dispatcher answers nothing, so it is never an open proxy.
 */
public final class TicketBook {
    public static final String HEADER = "x-fairway-ticket";

    private final Map<String, Entry> tickets = new ConcurrentHashMap<>();
    private final long ttlNanos;

    public TicketBook(Duration ttl) {
        this.ttlNanos = requireNonNull(ttl, "ttl").toNanos();
    }

    public String issue(Exchange exchange) {
        String ticket = Ids.ticket();
        tickets.put(ticket, new Entry(requireNonNull(exchange, "exchange"), System.nanoTime() + ttlNanos));
        return ticket;
    }

    /** The exchange for this ticket, once; null for unknown, used or expired tickets. */
    public Exchange redeem(String ticket) {
        if (ticket == null) {
            return null;
        }
        Entry e = tickets.remove(ticket);
        if (e == null || e.expiresAt - System.nanoTime() < 0) {
            return null;
        }
        return e.exchange;
    }

    /** Drops expired tickets; returns the exchanges that were never redeemed, to be completed as abandoned. */
    public int sweep(java.util.function.Consumer<Exchange> abandoned) {
        long now = System.nanoTime();
        int n = 0;
        for (Iterator<Entry> it = tickets.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.expiresAt - now < 0) {
                it.remove();
                abandoned.accept(e.exchange);
                n++;
            }
        }
        return n;
    }

    public int outstanding() {
        return tickets.size();
    }

    private record Entry(Exchange exchange, long expiresAt) {}
}

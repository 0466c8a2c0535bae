package dev.fairway.mock;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.IntFunction;

/**
 * The frames a stream will actually send once a fault is applied, and whether it then ends
 * abruptly (connection closed, no terminating event) instead of cleanly.
 */
record StreamScript(List<Frame> frames, boolean abrupt) {

    StreamScript {
        frames = List.copyOf(frames);
    }

    /**
     * A cut keeps the opening events and the first N content frames. An error event replaces
     * everything after the cut, or, with no cut, everything after the last content frame.
     *
     * @param fault the fault, or null for a clean stream
     * @param errorFrame the provider's error event, given how many content frames preceded it
     */
    static StreamScript of(List<Frame> frames, Fault fault, IntFunction<Frame> errorFrame) {
        Objects.requireNonNull(frames, "frames");
        Objects.requireNonNull(errorFrame, "errorFrame");
        OptionalInt cutAfter = fault == null ? OptionalInt.empty() : fault.cutAfter();
        boolean errorEvent = fault != null && fault.errorEvent();
        int end = frames.size();
        if (cutAfter.isPresent()) {
            end = endAfterContent(frames, cutAfter.getAsInt());
        } else if (errorEvent) {
            end = endAfterContent(frames, Integer.MAX_VALUE);
        }
        List<Frame> sent = new ArrayList<>(frames.subList(0, end));
        if (errorEvent) {
            int contentSent = (int) sent.stream().filter(Frame::content).count();
            sent.add(errorFrame.apply(contentSent));
        }
        return new StreamScript(sent, cutAfter.isPresent());
    }

    /** The index just past the {@code n}th content frame, or past the last one if there are fewer. */
    private static int endAfterContent(List<Frame> frames, int n) {
        int seen = 0;
        int lastContentEnd = 0;
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).content()) {
                if (seen == n) {
                    return i;
                }
                seen++;
                lastContentEnd = i + 1;
            }
        }
        return lastContentEnd;
    }
}

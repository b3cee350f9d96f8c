package dev.imagine.bot.telegram;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scheduler on made-up time for tests: nothing runs until the test calls {@link #runUntil}, which runs every task
 * due by then in order of due time, moving its clock ({@link #nanoTime}) to each one's time. Nothing sleeps.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final AtomicLong now = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();
    private final PriorityQueue<Task> tasks = new PriorityQueue<>(
            Comparator.comparingLong((Task t) -> t.at).thenComparingLong(t -> t.order));
    private boolean shutdown;

    private final class Task implements ScheduledFuture<Object> {
        final long at;
        final long order = sequence.incrementAndGet();
        final Runnable body;
        volatile boolean cancelled;
        volatile boolean done;

        Task(long at, Runnable body) {
            this.at = at;
            this.body = body;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(at - now.get(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterrupt) {
            cancelled = true;
            return !done;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }

    long nanoTime() {
        return now.get();
    }

    /** Runs everything due up to {@code nanos} (tasks that schedule tasks included), then sets the clock there. */
    void runUntil(long nanos) {
        while (true) {
            Task next;
            synchronized (tasks) {
                next = tasks.peek();
                if (next == null || next.at > nanos) {
                    break;
                }
                tasks.poll();
            }
            now.set(Math.max(now.get(), next.at));
            if (!next.cancelled) {
                next.done = true;
                next.body.run();
            }
        }
        now.set(Math.max(now.get(), nanos));
    }

    private Task add(long delayNanos, Runnable body) {
        Task task = new Task(now.get() + Math.max(0, delayNanos), body);
        synchronized (tasks) {
            tasks.add(task);
        }
        return task;
    }

    @Override
    public void execute(Runnable command) {
        add(0, command);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return add(unit.toNanos(delay), command);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not needed by the outbox");
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        long every = Math.max(1, unit.toNanos(period));
        Task[] current = new Task[1];
        ScheduledFuture<?> handle = new Repeating(current);
        Runnable[] body = new Runnable[1];
        body[0] = () -> {
            command.run();
            if (!handle.isCancelled()) {
                current[0] = add(every, body[0]);
            }
        };
        current[0] = add(unit.toNanos(initialDelay), body[0]);
        return handle;
    }

    /** A repeating task: cancelling it cancels its next run. */
    private static final class Repeating implements ScheduledFuture<Object> {
        private final Task[] current;
        private volatile boolean cancelled;

        Repeating(Task[] current) {
            this.current = current;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return current[0].getDelay(unit);
        }

        @Override
        public int compareTo(Delayed other) {
            return current[0].compareTo(other);
        }

        @Override
        public boolean cancel(boolean mayInterrupt) {
            cancelled = true;
            return current[0].cancel(mayInterrupt);
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return cancelled;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not needed by the outbox");
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        return new ArrayList<>();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }
}

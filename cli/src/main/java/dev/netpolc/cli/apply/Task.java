package dev.netpolc.cli.apply;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * A piece of apply's work that runs on a thread of its own while the caller does something else
 * (reading the firewall while the policy is rendered, loading the IPv4 and IPv6 tables at the
 * same time); {@link #get} waits for it and hands back its result or its failure. The threads are
 * daemons: a task still reading when apply stops on an error does not keep the process alive.
 *
 * <p>A tool that a task runs ({@link Host#run}) is started by the task's thread and gets the
 * kernel's parent-death signal when that thread ends, not only when apply ends (see
 * {@link Host#KEEPER}). Each thread here runs one body to its end and {@link Host#run} waits for
 * the tool it started before it returns, so the thread always outlives its tools; a pool whose
 * threads can end while a tool they started still runs, or a body that leaves a tool running,
 * would get that tool killed.
 */
final class Task<T> {

    /** The work: returns a value or fails with an ApplyException. */
    interface Body<T> {
        T run() throws ApplyException;
    }

    private final FutureTask<T> future;

    private Task(String name, Body<T> body) {
        future = new FutureTask<>(body::run);
        if (name == null) {
            future.run();
            return;
        }
        Thread t = new Thread(future, "netpolc-apply-" + name);
        t.setDaemon(true);
        t.start();
    }

    /** Starts {@code body} now. */
    static <T> Task<T> start(String name, Body<T> body) {
        return new Task<>(name, body);
    }

    /** A task that is already done, with {@code value}: for work that was not needed. */
    static <T> Task<T> done(T value) {
        return new Task<>(null, () -> value);
    }

    /** Waits for the task: its value, or its ApplyException (or unchecked exception) thrown here. */
    T get() throws ApplyException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof ApplyException a) {
                throw a;
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error r) {
                throw r;
            }
            throw new IllegalStateException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplyException("interrupted while waiting for a step running alongside");
        }
    }
}

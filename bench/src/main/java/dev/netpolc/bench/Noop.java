package dev.netpolc.bench;

/** Does nothing: its run time is the JVM's own start-up and exit, the floor under any Java program. */
public final class Noop {

    private Noop() {}

    public static void main(String[] args) {
        System.out.print("");
    }
}

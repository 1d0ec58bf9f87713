package dev.jmesh.it.app;

/** Loads the classes it is given, as an application that uses them would, and prints {@code LOADED NAME}. */
public final class ClassLoadingApp {

    private ClassLoadingApp() {}

    public static void main(String[] args) throws ClassNotFoundException {
        for (String name : args) {
            Class.forName(name, false, ClassLoadingApp.class.getClassLoader());
            System.out.println("LOADED " + name);
        }
    }
}

package dev.jmesh.agent.jwt;

/** The JWS algorithms the mesh verifies, and the JDK's signature for each (ES256 as JOSE writes it: r ‖ s). */
public enum JwsAlgorithm {
    RS256("SHA256withRSA"), ES256("SHA256withECDSAinP1363Format");

    private final String jdkName;

    JwsAlgorithm(String jdkName) {
        this.jdkName = jdkName;
    }

    String jdkName() {
        return jdkName;
    }
}

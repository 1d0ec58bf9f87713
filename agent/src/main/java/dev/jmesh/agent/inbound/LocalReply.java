package dev.jmesh.agent.inbound;

import java.nio.charset.StandardCharsets;

/**
 * An answer the inbound port gives itself, instead of the application, as Envoy's filters do:
 * the connection is closed after it.
 *
 * @param rbac            refused by an authorization policy (Envoy's response flag {@code RBAC})
 * @param wwwAuthenticate the {@code www-authenticate} header of a 401, or null
 * @param why             for the log: the policy or the token check that said no
 */
record LocalReply(int status, String reason, String body, boolean rbac, String wwwAuthenticate, String why) {

    static LocalReply forbidden(String why) {
        return new LocalReply(403, "Forbidden", "RBAC: access denied", true, null, why);
    }

    static LocalReply unauthorized(String problem, String realm) {
        return new LocalReply(401, "Unauthorized", problem, false,
                "Bearer realm=\"" + realm.replaceAll("[\\x00-\\x1f\\x7f\"]", "") + "\", error=\"invalid_token\"", problem);
    }

    static LocalReply badRequest(String why) {
        return new LocalReply(400, "Bad Request", "Bad Request", false, null, why);
    }

    byte[] bytes() {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "content-type: text/plain\r\n"
                + "content-length: " + content.length + "\r\n"
                + (wwwAuthenticate == null ? "" : "www-authenticate: " + wwwAuthenticate + "\r\n")
                + "connection: close\r\n\r\n";
        byte[] head8 = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head8.length + content.length];
        System.arraycopy(head8, 0, all, 0, head8.length);
        System.arraycopy(content, 0, all, head8.length, content.length);
        return all;
    }
}

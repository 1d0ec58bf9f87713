package dev.jmesh.control.server;

import dev.jmesh.control.protocol.FrameDecoder;
import dev.jmesh.control.protocol.Frames;
import dev.jmesh.control.protocol.Message;
import dev.jmesh.control.protocol.ProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code rollouts [start|abort SERVICE] [--server HOST:PORT] [--token-file FILE]}: asks a
 * replica over its link port (one COMMAND, one REPLY) for its rollouts, or to start one again
 * or abort it, and prints the answer.
 */
final class RolloutsCommand {

    static final String USAGE = "java -jar jmesh-control.jar rollouts [start SERVICE | abort SERVICE]"
            + " [--server HOST:PORT] [--token-file FILE]";

    private RolloutsCommand() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        String server = "127.0.0.1:15010";
        String tokenFile = null;
        List<String> words = new ArrayList<>(List.of("rollouts"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--server", "--token-file" -> {
                    if (i + 1 == args.length) {
                        err.println("usage: " + USAGE);
                        return CheckCommand.USAGE;
                    }
                    if (args[i].equals("--server")) {
                        server = args[++i];
                    } else {
                        tokenFile = args[++i];
                    }
                }
                default -> words.add(args[i]);
            }
        }
        if (words.size() == 3 && (words.get(1).equals("start") || words.get(1).equals("abort"))) {
            words.remove(0);
        } else if (words.size() != 1) {
            err.println("usage: " + USAGE);
            return CheckCommand.USAGE;
        }
        try {
            String token = tokenFile == null ? "" : Files.readString(Path.of(tokenFile), StandardCharsets.UTF_8).strip();
            Message.Reply reply = ask(ControlMain.address(server), token, String.join(" ", words));
            (reply.ok() ? out : err).print(reply.text());
            return reply.ok() ? CheckCommand.OK : CheckCommand.FAILED;
        } catch (IOException | ProtocolException | IllegalArgumentException e) {
            err.println("jmesh-control: " + server + ": " + e.getMessage());
            return CheckCommand.FAILED;
        }
    }

    private static Message.Reply ask(InetSocketAddress address, String token, String command)
            throws IOException, ProtocolException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 2000);
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(Frames.encode(new Message.Command(token, command)));
            InputStream in = socket.getInputStream();
            FrameDecoder decoder = new FrameDecoder();
            byte[] buffer = new byte[16 * 1024];
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    throw new IOException("closed without an answer");
                }
                ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
                Message message;
                while ((message = decoder.next(bytes)) != null) {
                    if (message instanceof Message.Reply reply) {
                        return reply;
                    }
                    if (message instanceof Message.Error error) {
                        throw new IOException(error.reason());
                    }
                }
            }
        }
    }
}

package dev.jmesh.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({
        "500ms, 500",
        "0ms, 0",
        "0s, 0",
        "0.0h, 0",
        "2s, 2000",
        "1.5s, 1500",
        "1.50s, 1500",
        "0.001s, 1",
        "1.001s, 1001",
        "1m, 60000",
        "1.5m, 90000",
        "0.25h, 900000",
        "1h, 3600000",
        "24h, 86400000",
        "1440m, 86400000",
        "86400s, 86400000",
        "86400000ms, 86400000",
        "007s, 7000",
    })
    void parses(String text, long millis) {
        Durations.Parsed parsed = Durations.parse(text);
        assertNull(parsed.error(), parsed::error);
        assertEquals(Duration.ofMillis(millis), parsed.value());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "500        | bad duration '500': no unit (add a unit: 500ms, 2s)",
        "1.5        | bad duration '1.5': no unit (add a unit: 500ms, 2s)",
        "0          | no unit",
        "2sec       | bad duration '2sec': unknown unit 'sec' (expected ms, s, m or h)",
        "2S         | unknown unit 'S'",
        "1d         | unknown unit 'd'",
        "2us        | unknown unit 'us'",
        "`2 s`      | bad duration '2 s': no spaces allowed",
        "` 2s`      | no spaces allowed",
        "-1s        | bad duration '-1s': must not be negative",
        "25h        | bad duration '25h': longer than 24h",
        "24.001h    | longer than 24h",
        "86400001ms | longer than 24h",
        "1441m      | longer than 24h",
        "999999999999999999999999h | longer than 24h",
        "0.5ms      | bad duration '0.5ms': finer than a millisecond",
        "1.0005s    | finer than a millisecond",
        "0.0000000000001s | finer than a millisecond",
        "0.0000000001h | finer than a millisecond",
        "``         | bad duration '': expected a number and a unit",
        "ms         | bad duration 'ms': expected a number and a unit (ms, s, m or h)",
        ".5s        | expected a number and a unit",
        "abc        | expected a number and a unit",
        "1h30m      | bad duration '1h30m': expected one number and one unit",
        "1.5.2s     | expected one number and one unit",
        "1.s        | expected one number and one unit",
        "1e3ms      | expected one number and one unit",
        "+1s        | expected a number and a unit",
    })
    void rejects(String text, String message) {
        Durations.Parsed parsed = Durations.parse(text);
        assertNull(parsed.value());
        assertTrue(parsed.error().contains(message), () -> "expected \"" + message + "\", got: " + parsed.error());
    }

    @Test
    void hugeInputsAreCheapAndCorrect() {
        String zeros = "0".repeat(500_000);
        assertEquals(Duration.ofSeconds(1), Durations.parse(zeros + "1s").value());
        assertEquals(Duration.ofSeconds(1), Durations.parse("1." + zeros + "s").value());
        assertEquals("bad duration '" + "9".repeat(500_000) + "h': longer than 24h",
                Durations.parse("9".repeat(500_000) + "h").error());
        assertTrue(Durations.parse("0." + zeros + "1s").error().endsWith("finer than a millisecond"));
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0ms",
        "1, 1ms",
        "500, 500ms",
        "999, 999ms",
        "1000, 1s",
        "1001, 1.001s",
        "1500, 1.5s",
        "59000, 59s",
        "60000, 1m",
        "90000, 90s",
        "3600000, 1h",
        "5400000, 90m",
        "86400000, 24h",
    })
    void formats(long millis, String text) {
        assertEquals(text, Durations.format(Duration.ofMillis(millis)));
        assertEquals(Duration.ofMillis(millis), Durations.parse(text).value(), "format and parse agree");
    }
}

package io.github.realtimepatterns.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.testing.Eventually;
import io.github.realtimepatterns.core.testing.HeadlessChromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The demo page in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, never a
 * downloaded browser): a message typed once reaches every pane through each pattern's own browser module,
 * and panes whose connection was dropped catch up from their cursor when they reconnect.
 */
class DemoBrowserIT {

    private DemoServer demo;
    private HeadlessChromium chromium;
    private ChromeDriver browser;

    @BeforeEach
    void start() throws Exception {
        demo = new DemoServer("--channel", "browser-it");
        chromium = HeadlessChromium.start();
        browser = chromium.driver();
        browser.manage().window().setSize(new Dimension(1600, 900));
    }

    @AfterEach
    void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void aMessageTypedOnceArrivesInEveryPaneAndDroppedPanesCatchUpFromTheirCursor() throws Exception {
        browser.get(demo.uri + "/");
        Eventually.await(Duration.ofSeconds(30), () -> "true".equals(
                browser.findElement(By.tagName("body")).getDomAttribute("data-ready")), "the page set up every pane");
        List<String> patterns = Patterns.all().stream().map(PatternAdapter::name).toList();
        assertThat(paneTexts().keySet()).containsExactlyElementsOf(patterns);

        String first = "hello from the browser " + UUID.randomUUID().toString().substring(0, 8);
        send(first);
        Eventually.await(Duration.ofSeconds(30), () -> paneTexts().values().stream().allMatch(t -> t.contains(first)),
                () -> "every pane shows the message; panes: " + paneTexts());
        for (WebElement latency : browser.findElements(By.cssSelector(".pane .latency"))) {
            assertThat(latency.getText()).endsWith("ms");
        }

        for (WebElement toggle : browser.findElements(By.cssSelector(".pane .toggle"))) {
            toggle.click();
        }
        Eventually.await(Duration.ofSeconds(10), () -> browser.findElements(By.cssSelector(".pane .state")).stream()
                .allMatch(s -> s.getText().startsWith("disconnected")), "every pane dropped its connection");
        String second = "sent while away " + UUID.randomUUID().toString().substring(0, 8);
        send(second);
        assertThat(paneTexts().values()).noneMatch(t -> t.contains(second));

        for (WebElement toggle : browser.findElements(By.cssSelector(".pane .toggle"))) {
            toggle.click();
        }
        Eventually.await(Duration.ofSeconds(30), () -> paneTexts().values().stream().allMatch(t -> t.contains(second)),
                () -> "every pane caught up after reconnecting; panes: " + paneTexts());
        assertThat(browser.findElements(By.cssSelector(".pane .messages li.caught-up"))).hasSize(patterns.size());
        paneTexts().forEach((pattern, texts) -> assertThat(texts).as(pattern).containsExactly(second, first));
        // Each pane connected twice (at start and after the drop), so the server counted at least two requests.
        Eventually.await(Duration.ofSeconds(10), () -> browser.findElements(By.cssSelector(".pane .requests")).stream()
                .allMatch(r -> r.getText().matches("\\d+") && Integer.parseInt(r.getText()) >= 2),
                "every pane counts its HTTP requests, the reconnect included");

        Path shot = Path.of("target", "demo.png");
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
        assertThat(shot).isNotEmptyFile();
    }

    private void send(String text) {
        WebElement input = browser.findElement(By.id("text"));
        input.clear();
        input.sendKeys(text);
        String before = browser.findElement(By.id("status")).getText();
        browser.findElement(By.id("send")).click();
        Eventually.await(Duration.ofSeconds(10), () -> {
            String status = browser.findElement(By.id("status")).getText();
            return status.startsWith("sent as #") && !status.equals(before);
        }, "the page published the message");
    }

    @SuppressWarnings("unchecked")
    private Map<String, List<String>> paneTexts() {
        List<Map<String, Object>> panes = (List<Map<String, Object>>) ((JavascriptExecutor) browser).executeScript(
                "return [...document.querySelectorAll('section.pane')].map(p => ({name: p.dataset.pattern,"
                        + " texts: [...p.querySelectorAll('.messages li .text')].map(e => e.textContent)}));");
        return panes.stream().collect(Collectors.toMap(p -> (String) p.get("name"), p -> (List<String>) p.get("texts"),
                (a, b) -> a, java.util.LinkedHashMap::new));
    }
}

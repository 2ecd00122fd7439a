import { Badge, Banner, BlockStack, Card, DataTable, InlineStack, List, Text } from "@shopify/polaris";
import { formatUtc } from "~/components/format";
import type { PlatformVerdictView } from "~/core/diagnostics/verdict";

/** One platform's verdict as the loader sends it (JSON: dates as text). */
export type VerdictCardData = Omit<PlatformVerdictView, "kind">;

const STATUS_TONE: Record<string, "success" | "info" | "warning" | "critical"> = {
  EXCELLENT: "success",
  GOOD: "success",
  FAIR: "warning",
  NEEDS_ATTENTION: "warning",
  NEEDS_IMPROVEMENT: "warning",
  NO_RECENT_UPLOAD: "critical",
};
const human = (s: string) => s.toLowerCase().replace(/_/g, " ");
const num = (n: number | null | undefined) => (n === null || n === undefined ? "—" : String(n));

/** "What the platforms report": each platform's own verdict beside Trueline's estimate, the gap in words. */
export function PlatformVerdicts({ verdicts, withoutReadBack }: { verdicts: VerdictCardData[]; withoutReadBack: string[] }) {
  return (
    <BlockStack gap="400">
      {verdicts.length === 0 ? (
        <Text as="p" tone="subdued">
          No platform has been read yet. Trueline reads Meta, Google Ads and Pinterest every six hours once they are connected.
        </Text>
      ) : null}
      {verdicts.map((v) => (
        <Card key={v.destinationId}>
          <div data-testid={`verdict-${v.destinationId}`}>
            <BlockStack gap="300">
              <InlineStack gap="200" blockAlign="center">
                <Text as="h3" variant="headingSm">
                  {v.title}
                </Text>
                {v.overallStatus ? <Badge tone={STATUS_TONE[v.overallStatus] ?? "info"}>{human(v.overallStatus)}</Badge> : null}
              </InlineStack>
              <Text as="p" tone="subdued">
                {`Read ${formatUtc(v.fetchedAt)}${v.windowDays ? ` · the platform's last ${v.windowDays} days` : ""} · also in ${v.whereToSee}`}
              </Text>
              {v.status === "error" ? (
                <Banner tone="warning" title={`${v.platform} did not give its verdict`}>
                  <p>{v.error}</p>
                </Banner>
              ) : v.events.length === 0 ? (
                <Text as="p">{`${v.platform} reports no events from Trueline yet. Its figures appear a few hours after the first events arrive.`}</Text>
              ) : (
                <>
                  <DataTable
                    columnContentTypes={["text", "text", "text", "text"]}
                    headings={["Event", `${v.platform} says`, "Trueline", "Problems it reports"]}
                    rows={v.events.map((e) => [
                      e.label,
                      e.score !== null
                        ? `${e.score.toFixed(1)} / 10`
                        : e.counts
                          ? `received ${num(e.counts.received)}, accepted ${num(e.counts.succeeded)}, refused ${num(e.counts.failed)}`
                          : e.status
                            ? human(e.status)
                            : "—",
                      e.score !== null ? (e.estimate !== null ? `estimate ${e.estimate.toFixed(1)}` : "no estimate") : e.counts ? `delivered ${num(e.delivered)}` : e.estimate !== null ? `estimate ${e.estimate.toFixed(1)}` : "—",
                      e.issues.length ? e.issues.map((i) => (i.affectedPct !== null ? `${i.title} (${i.affectedPct}%)` : i.title)).join("; ") : "none",
                    ])}
                  />
                  {v.events.map((e) =>
                    e.gap.length ? (
                      <BlockStack gap="100" key={e.platformEvent}>
                        <Text as="h4" variant="headingXs">
                          {`${e.label}: why the figures differ`}
                        </Text>
                        <List>
                          {e.gap.map((line, i) => (
                            <List.Item key={i}>{line}</List.Item>
                          ))}
                        </List>
                      </BlockStack>
                    ) : null,
                  )}
                </>
              )}
            </BlockStack>
          </div>
        </Card>
      ))}
      {withoutReadBack.length > 0 ? (
        <Text as="p" tone="subdued">
          {`${withoutReadBack.join(", ")} publish${withoutReadBack.length === 1 ? "es" : ""} no API that reports how events were received; check their own events manager.`}
        </Text>
      ) : null}
    </BlockStack>
  );
}

-- Step 2: the range checked against every row, a scan under SHARE UPDATE EXCLUSIVE: deliveries
-- and attempts are written and read meanwhile (0.73 s and 0.58 s for 5M deliveries and their
-- attempts, bench/RESULTS.md 2026-12-07 sixth). Checked, it spares the swap any scan.
ALTER TABLE deliveries VALIDATE CONSTRAINT deliveries_legacy_range;
ALTER TABLE attempts VALIDATE CONSTRAINT attempts_legacy_range;

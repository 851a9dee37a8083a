-- handoff_processor: an expiry is announced to Slack until a post is delivered (`anunciado_em`), so a
-- failed post or a crash between the expiry and the post is announced by a later run. A run reserves
-- the announcements it posts (`anuncio_reservado_em`, a short lease) so two runs never both post one.
ALTER TABLE "handoffs" ADD COLUMN "anunciado_em" TIMESTAMPTZ(6),
ADD COLUMN "anuncio_reservado_em" TIMESTAMPTZ(6);

-- Expiries before this migration had their one chance already: announcing them again would repeat them.
UPDATE "handoffs" SET "anunciado_em" = "expired_at" WHERE "status" = 'expired';

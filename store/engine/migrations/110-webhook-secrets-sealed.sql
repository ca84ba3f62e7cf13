-- webhook signing secrets sealed at rest
-- Secrets are stored sealed (AES-256-GCM under a key derived from the deployment's
-- MADOGUCHI_IDENTITY_SECRET, subgraphs/desk/webhooks/secrets.ts) in secret_sealed; `secret`, the
-- plaintext column, is written no more. A migration is plain SQL and never holds the key, so the
-- rows already stored keep their plaintext here until the first desk process of the upgraded
-- version seals them (on start and every dispatch round) and empties the column; a later
-- migration drops it once every install has run that.

alter table webhooks add column secret_sealed text;
alter table webhooks alter column secret drop not null;
alter table webhooks add constraint webhooks_secret_kept check (secret is not null or secret_sealed is not null);
-- What is left to seal, found without reading the whole table each round.
create index webhooks_plaintext_secret on webhooks (id) where secret is not null;

-- Embedding sites: a customer's help centre that frames the collect pages. Its origin is read
-- on each framed page's request for the CSP's frame-ancestors, so a new site frames at once
-- on every instance. languages and organisations are newline-separated (empty: all); theme is
-- the checked theme as JSON.
CREATE TABLE sites (
    name TEXT PRIMARY KEY,
    origin TEXT NOT NULL,
    page TEXT NOT NULL,
    languages TEXT NOT NULL,
    organisations TEXT NOT NULL,
    theme TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    disabled_at BIGINT
);

-- The site an order's link e-mail points at; NULL: the portal's own collect page.
ALTER TABLE orders ADD COLUMN site TEXT;

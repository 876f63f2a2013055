"""What a link to the portal shows when it is shared (Facebook, WhatsApp, X): the picture of a
plan (a 1200x630 PNG, drawn on the server) and the page's Open Graph facts."""

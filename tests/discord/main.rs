//! Every test of the Discord edge, in one binary so the fake Discord is compiled once.
//!
//! * [`e2e`]: the real bot (serenity client, handler, embeds, pings) against the fake.
//! * [`smoke`]: the fake itself works with a minimal serenity bot.
//! * [`limits`]: every reply fits Discord's limits, however big or hostile the data.

mod e2e;
mod limits;
mod smoke;
#[path = "../support/mod.rs"]
mod support;

//! Hand-written additions for behaviour the spec cannot state: typed deploy payload
//! constructors and waiting for a deployment to finish.

pub mod deploy;

/**
 * The round's code screen is projected for the class: the layouts leave out everything but the
 * brand there (no navigation, no staff e-mail address, no footer links on the wall).
 */
export const PROJECTOR_ROUTE = '/(staff)/(app)/rounds/[roundId]';

/** How a throttled sign-in's message starts: the sign-in form shows such a message as it is. */
export const THROTTLED_MESSAGE_PREFIX = "Too many failed sign-ins.";

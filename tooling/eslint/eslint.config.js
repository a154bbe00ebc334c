import nextjs from './nextjs.js';

export default nextjs;
